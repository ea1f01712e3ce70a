package io.ferry.registry.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
     * @param users     user name -> password hash ({bcrypt}... or {pbkdf2}...), besides those of the users file
     * @param usersFile lines "name:{bcrypt}$2a$..." (scripts/registry-user.sh makes them); # starts a comment
     * @param access    who may do what where: principals (user names, "ferry-host-{host}" patterns,
     *                  "anonymous") -> repository globs -> actions; nothing is allowed that no rule allows
     * @param secret    HMAC key for tokens (>= 32 bytes); a random one per start when empty, which only a
     *                  single instance may use (see {@code RegistryInstances})
     */
    public record Auth(@DefaultValue("true") boolean enabled, Map<String, String> users, Path usersFile,
                       List<Rule> access, String secret, @DefaultValue("5m") Duration tokenTtl,
                       @DefaultValue Instances instances) {
        public Map<String, String> usersOrEmpty() {
            return users == null ? Map.of() : users;
        }

        public List<Rule> accessOrEmpty() {
            return access == null ? List.of() : access;
        }
    }

    /**
     * One access rule: each principal pattern may do {@code actions} on each repository pattern.
     *
     * @param principals   user names; "*" and "{name}" match any authenticated user (never anonymous), and
     *                     a "{name}" captured here may be used in {@code repositories}: "ferry-host-{host}"
     *                     with "ferry/migrations/{host}"; "anonymous" matches requests without credentials
     * @param repositories globs: "*" within one path component, "**" across them ("library/*", "checkpoints/**")
     * @param actions      pull, push, delete
     */
    public record Rule(List<String> principals, List<String> repositories, List<String> actions) {
    }

    /**
     * Instances sharing one database announce themselves there; see {@code RegistryInstances}.
     *
     * @param heartbeat  how often a running instance renews its row
     * @param staleAfter a row not renewed for this long belongs to an instance that is gone
     */
    public record Instances(@DefaultValue("10s") Duration heartbeat, @DefaultValue("35s") Duration staleAfter) {
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
