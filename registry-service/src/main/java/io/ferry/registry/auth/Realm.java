package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The token endpoint a 401 challenge sends clients to, with their credentials. It never comes from
 * the request's Host or X-Forwarded-* headers (a forged one would send credentials elsewhere):
 * {@code ferry.registry.realm} when set, otherwise this server's own address and port that the
 * connection arrived on, with the scheme of its own connector.
 */
@Component
public class Realm {
    private final String configured;
    private final String scheme;

    public Realm(RegistryProperties properties, Environment env) {
        this.configured = properties.realm() == null || properties.realm().isBlank() ? null : check(properties.realm().strip());
        boolean tls = env.getProperty("server.ssl.enabled", Boolean.class, env.containsProperty("server.ssl.bundle")
                || env.containsProperty("server.ssl.key-store") || env.containsProperty("server.ssl.certificate"));
        this.scheme = tls ? "https" : "http";
    }

    public String of(HttpServletRequest request) {
        if (configured != null) {
            return configured;
        }
        String address = request.getLocalAddr();
        if (address.indexOf(':') >= 0) { // IPv6, maybe with a zone id
            address = "[" + address.replace("%", "%25") + "]";
        }
        return scheme + "://" + address + ":" + request.getLocalPort() + "/token";
    }

    /** An absolute http(s) URL that cannot break out of the challenge's quoted string. */
    public static String check(String realm) {
        try {
            URI uri = new URI(realm);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!web || uri.getHost() == null || uri.getRawFragment() != null || !realm.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new IllegalStateException("ferry.registry.realm must be an absolute http(s) URL without"
                        + " quotes, backslashes or spaces, e.g. https://registry.example.com/token; it is \"" + realm + "\"");
            }
            return realm;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("ferry.registry.realm is not a URL: \"" + realm + "\"");
        }
    }
}
