package io.ferry.registry.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ferry.registry.*}: where blobs live, the token service, size limits and garbage collection.
 *
 * @param dataDir  blobs, upload sessions and (when embedded) PostgreSQL's data live below it
 * @param service  the service name in token challenges and tokens
 * @param realm    the token endpoint clients are sent to; when empty, the server's own address and port the
 *                 connection arrived on (never the request's Host or X-Forwarded-* headers), see {@code Realm}
 */
@ConfigurationProperties("ferry.registry")
public record RegistryProperties(
        @DefaultValue("/var/lib/ferry/registry") Path dataDir,
        @DefaultValue("ferry-registry") String service,
        String realm,
        @DefaultValue Auth auth,
        @DefaultValue Limits limits,
        @DefaultValue Gc gc) {

    /**
     * @param users         user name -> password for the token endpoint (HTTP Basic)
     * @param secret        HMAC key for tokens (>= 32 bytes); a random one per start when empty
     * @param anonymousPull whether requests without credentials get pull tokens
     */
    public record Auth(@DefaultValue("true") boolean enabled, Map<String, String> users, String secret,
                       @DefaultValue("5m") Duration tokenTtl, @DefaultValue("false") boolean anonymousPull) {
        public Map<String, String> usersOrEmpty() {
            return users == null ? Map.of() : users;
        }
    }

    public record Limits(@DefaultValue("4MB") DataSize maxManifestSize, @DefaultValue("64GB") DataSize maxBlobSize) {
    }

    /**
     * @param blobGrace how long an unreferenced blob is kept (a push uploads blobs before its manifest)
     * @param uploadTtl how long an idle upload session is kept
     */
    public record Gc(@DefaultValue("10m") Duration interval, @DefaultValue("1h") Duration blobGrace,
                     @DefaultValue("24h") Duration uploadTtl) {
    }
}
