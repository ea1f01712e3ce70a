package io.ferry.registry.auth;

import io.ferry.core.json.Json;
import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.error.ErrorBody;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.route.V2Request;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Guards /v2: a request without a token covering what it needs gets 401 with the
 * {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} challenge clients follow to the
 * token endpoint. It judges the {@link V2Request} the controller will serve, never the raw URI.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BearerAuthFilter extends OncePerRequestFilter {
    private final TokenService tokens;
    private final RegistryProperties properties;
    private final Realm realm;

    public BearerAuthFilter(TokenService tokens, RegistryProperties properties, Realm realm) {
        this.tokens = tokens;
        this.properties = properties;
        this.realm = realm;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return V2Request.orNull(request) == null; // not /v2 (V2RequestFilter parses every /v2 request first)
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.auth().enabled()) {
            chain.doFilter(request, response);
            return;
        }
        V2Request v2 = V2Request.of(request);
        List<Access> needed = RequiredAccess.of(request.getMethod(), v2.route(), v2.param("from"));
        Optional<List<Access>> granted = bearer(request).flatMap(tokens::verify);
        if (granted.isPresent() && RequiredAccess.covered(needed, granted.get())) {
            chain.doFilter(request, response);
            return;
        }
        String challenge = "Bearer realm=\"" + realm.of(request) + "\",service=\"" + properties.service() + "\"";
        if (!needed.isEmpty()) {
            challenge += ",scope=\"" + needed.stream().map(Access::scope).collect(Collectors.joining(" ")) + "\"";
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", challenge);
        response.setContentType("application/json");
        String message = granted.isPresent() ? "the token does not grant " + needed.stream().map(Access::scope)
                .collect(Collectors.joining(" ")) : "authentication required";
        response.getOutputStream().write(Json.bytes(ErrorBody.of(ErrorCode.UNAUTHORIZED, message,
                needed.isEmpty() ? null : needed.stream().map(Access::scope).toList())));
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        String h = request.getHeader("Authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(h.substring(7).strip());
        }
        return Optional.empty();
    }
}
