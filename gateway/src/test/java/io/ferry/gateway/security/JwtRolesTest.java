package io.ferry.gateway.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JwtRolesTest {
    private static Jwt jwt(Map<String, Object> claims) {
        Jwt.Builder b = Jwt.withTokenValue("t").header("alg", "RS256").issuedAt(Instant.now()).subject("uuid-1");
        claims.forEach(b::claim);
        return b.build();
    }

    private static List<String> authorities(SecurityProperties.Jwt settings, Map<String, Object> claims) {
        return new JwtRoles(settings).convert(jwt(claims)).getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
    }

    @Test
    void keycloaksRealmRolesAndItsUserNameAreUsedWhenConfigured() {
        SecurityProperties.Jwt keycloak = new SecurityProperties.Jwt("realm_access.roles", "preferred_username");
        Map<String, Object> claims = Map.of("realm_access", Map.of("roles", List.of("offline_access", "operator")),
                "preferred_username", "alice");

        assertThat(authorities(keycloak, claims)).containsExactly("ROLE_operator");
        assertThat(new JwtRoles(keycloak).convert(jwt(claims)).getName()).isEqualTo("alice");
    }

    @Test
    void aSpaceSeparatedClaimWorksAndUnknownValuesGrantNothing() {
        SecurityProperties.Jwt plain = new SecurityProperties.Jwt("roles", "sub");

        assertThat(authorities(plain, Map.of("roles", "viewer superuser"))).containsExactly("ROLE_viewer");
        assertThat(authorities(plain, Map.of("roles", List.of("ADMIN", "root")))).isEmpty();
        assertThat(authorities(plain, Map.of("scope", "admin"))).isEmpty();
    }
}
