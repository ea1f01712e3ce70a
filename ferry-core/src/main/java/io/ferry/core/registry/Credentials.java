package io.ferry.core.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for one registry's token endpoint (see {@link RegistryAuth} for which). */
public record Credentials(String user, String password) {

    /** "user:password" (after the "HOST=" of --creds and FERRY_REGISTRY_AUTH); null for null or blank. */
    public static Credentials parse(String userColonPassword) {
        if (userColonPassword == null || userColonPassword.isBlank()) {
            return null;
        }
        int colon = userColonPassword.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("credentials must be USER:PASSWORD");
        }
        return new Credentials(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
