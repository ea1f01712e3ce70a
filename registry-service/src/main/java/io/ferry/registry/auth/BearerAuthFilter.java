package io.ferry.registry.auth;

import io.ferry.core.json.Json;
import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.error.ErrorBody;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import io.ferry.registry.route.V2Route;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Guards /v2: a request without a token covering what it needs gets 401 with the
 * {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} challenge clients follow to the
 * token endpoint. Also sets the Docker-Distribution-API-Version header clients check.
 */
@Component
public class BearerAuthFilter extends OncePerRequestFilter {
    private final TokenService tokens;
    private final RegistryProperties properties;

    public BearerAuthFilter(TokenService tokens, RegistryProperties properties) {
        this.tokens = tokens;
        this.properties = properties;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/v2") || path.startsWith("/v2/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        if (!properties.auth().enabled()) {
            chain.doFilter(request, response);
            return;
        }
        V2Route route;
        try {
            route = V2Route.parse(request.getRequestURI().substring(3));
        } catch (RegistryException e) {
            chain.doFilter(request, response); // the controller answers the malformed path
            return;
        }
        List<Access> needed = RequiredAccess.of(request.getMethod(), route, request.getParameter("from"));
        Optional<List<Access>> granted = bearer(request).flatMap(tokens::verify);
        if (granted.isPresent() && RequiredAccess.covered(needed, granted.get())) {
            chain.doFilter(request, response);
            return;
        }
        String realm = properties.realm() != null && !properties.realm().isBlank() ? properties.realm()
                : request.getScheme() + "://" + request.getHeader("Host") + "/token";
        String challenge = "Bearer realm=\"" + realm + "\",service=\"" + properties.service() + "\"";
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
