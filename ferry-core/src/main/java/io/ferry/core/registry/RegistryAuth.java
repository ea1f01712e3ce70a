package io.ferry.core.registry;

import io.ferry.core.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Registry credentials per registry host ({@code host[:port]}), as containers' auth.json keeps them:
 * a credential is sent only to the host it is configured for (see {@link RegistryClient}). There is
 * no credential "for every registry": each one names its host.
 */
public final class RegistryAuth {
    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\\d{1,5})?|\\[[0-9a-f:.]+\\](:\\d{1,5})?");
    private static final RegistryAuth NONE = new RegistryAuth(Map.of());

    private final Map<String, Credentials> byHost;

    private RegistryAuth(Map<String, Credentials> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    public static RegistryAuth none() {
        return NONE;
    }

    public static RegistryAuth of(String host, Credentials credentials) {
        return new RegistryAuth(Map.of(host(host, "registry host"), credentials));
    }

    /**
     * {@code HOST[:PORT]=USER:PASSWORD} (--creds, FERRY_REGISTRY_AUTH, ferry.host.registry-auth);
     * none for null or blank. {@code setting} names where it came from, for the error.
     */
    public static RegistryAuth parseEntry(String entry, String setting) {
        if (entry == null || entry.isBlank()) {
            return NONE;
        }
        int eq = entry.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException(setting + " must be HOST[:PORT]=USER:PASSWORD: a registry credential"
                    + " names the registry it is for (e.g. localhost:5000=ferry:secret)");
        }
        Credentials c = Credentials.parse(entry.substring(eq + 1));
        if (c == null) {
            throw new IllegalArgumentException(setting + " has no USER:PASSWORD after \"=\"");
        }
        return of(host(entry.substring(0, eq), setting + "'s registry"), c);
    }

    /**
     * A containers-auth.json file ({@code {"auths": {"HOST[:PORT]": {"auth": "base64(USER:PASSWORD)"}}}},
     * as written by podman login); none for null. Entries scoped to a repository, helpers and identity
     * tokens are refused rather than ignored.
     */
    public static RegistryAuth readFile(Path file) {
        if (file == null) {
            return NONE;
        }
        JsonNode auths;
        try {
            auths = Json.MAPPER.readTree(Files.readAllBytes(file)).path("auths");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read registry auth file " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("registry auth file " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (!auths.isObject()) {
            throw new IllegalArgumentException("registry auth file " + file + " has no \"auths\" object");
        }
        Map<String, Credentials> byHost = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : auths.properties()) {
            String what = "registry auth file " + file + ": entry \"" + e.getKey() + "\"";
            String auth = e.getValue().path("auth").asString(null);
            if (auth == null) {
                throw new IllegalArgumentException(what + " has no \"auth\" (base64 of USER:PASSWORD)");
            }
            Credentials c;
            try {
                c = Credentials.parse(new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(what + ": \"auth\" is not base64 of USER:PASSWORD");
            }
            if (c == null) {
                throw new IllegalArgumentException(what + ": \"auth\" is empty");
            }
            byHost.put(host(e.getKey(), what + " (a registry HOST[:PORT]; repository-scoped entries are not supported)"),
                    c);
        }
        return new RegistryAuth(byHost);
    }

    /** These credentials and {@code other}'s; {@code other} wins for a host both name. */
    public RegistryAuth plus(RegistryAuth other) {
        Map<String, Credentials> all = new TreeMap<>(byHost);
        all.putAll(other.byHost);
        return new RegistryAuth(all);
    }

    /** The credentials configured for exactly this host[:port]; null when none are. */
    public Credentials credentialsFor(String host) {
        return host == null ? null : byHost.get(host.toLowerCase(Locale.ROOT));
    }

    /** The registry hosts with credentials. */
    public Set<String> hosts() {
        return byHost.keySet();
    }

    /** {@code host[:port]} in lower case; refuses anything else (a scheme, a path, user info, spaces). */
    public static String host(String host, String what) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        if (!HOST.matcher(h).matches()) {
            throw new IllegalArgumentException(what + " \"" + host + "\" is not a registry HOST[:PORT]");
        }
        return h;
    }

    @Override
    public String toString() { // never the passwords
        return "RegistryAuth" + new TreeMap<>(byHost).keySet();
    }
}
