package io.ferry.gateway.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A JWT's caller: its name from the configured claim (default {@code sub}), its Ferry roles from the
 * configured claim (default {@code roles}; a dotted path such as Keycloak's {@code realm_access.roles}
 * reaches into objects). Values that are no Ferry role are ignored; a token with none is authenticated
 * but may do nothing (403 names the role it lacks).
 */
final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {
    private final SecurityProperties.Jwt settings;

    JwtRoles(SecurityProperties.Jwt settings) {
        this.settings = settings;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String value : values(claim(jwt.getClaims(), settings.rolesClaim()))) {
            Role.of(value).ifPresent(r -> authorities.add(r.authority()));
        }
        String name = jwt.getClaimAsString(settings.nameClaim());
        return new JwtAuthenticationToken(jwt, authorities, name != null ? name : jwt.getSubject());
    }

    private static Object claim(Map<String, Object> claims, String path) {
        Object value = claims;
        for (String part : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value;
    }

    private static List<String> values(Object claim) {
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String s) {
            return List.of(s.strip().split("[\\s,]+"));
        }
        return List.of();
    }
}
