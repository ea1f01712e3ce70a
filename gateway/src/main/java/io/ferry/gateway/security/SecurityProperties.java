package io.ferry.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * {@code ferry.gateway.security.*}. The gateway needs at least one way to know its callers: a tokens
 * file, or a JWT issuer (spring.security.oauth2.resourceserver.jwt.issuer-uri, jwk-set-uri or
 * public-key-location). There are no default accounts.
 *
 * @param tokensFile accounts, a line each: {@code NAME ROLE SHA256-HEX-OF-TOKEN} (scripts/new-token.sh makes them)
 * @param jwt        how a JWT names its subject and roles
 */
@ConfigurationProperties("ferry.gateway.security")
public record SecurityProperties(Path tokensFile, @DefaultValue Jwt jwt) {

    /**
     * @param rolesClaim the claim holding the roles (a list, or a space-separated string); a dotted path
     *                   reaches into objects: {@code realm_access.roles} for Keycloak
     * @param nameClaim  the claim naming the caller in logs and the event log
     */
    public record Jwt(@DefaultValue("roles") String rolesClaim, @DefaultValue("sub") String nameClaim) {
    }
}
