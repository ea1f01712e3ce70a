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
 * token endpoint. It judges the {@link V2Request} the controller will serve, never the raw URI. A
 * valid token whose holder the access rules do not allow what the request needs gets 403 DENIED (a new
 * token would not help); one that merely lacks a scope its holder may have gets the 401 challenge.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BearerAuthFilter extends OncePerRequestFilter {
    private final TokenService tokens;
    private final RegistryProperties properties;
    private final Realm realm;
    private final AccessRules rules;

    public BearerAuthFilter(TokenService tokens, RegistryProperties properties, Realm realm, AccessRules rules) {
        this.tokens = tokens;
        this.properties = properties;
        this.realm = realm;
        this.rules = rules;
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
        Optional<TokenService.Verified> verified = bearer(request).flatMap(tokens::verify);
        if (verified.isPresent() && RequiredAccess.covered(needed, verified.get().access())) {
            chain.doFilter(request, response);
            return;
        }
        if (verified.isPresent() && !allowedByRules(verified.get().subject(), needed)) {
            deny(response, verified.get().subject(), needed);
            return;
        }
        Optional<List<Access>> granted = verified.map(TokenService.Verified::access);
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

    private boolean allowedByRules(String subject, List<Access> needed) {
        List<Access> allowed = needed.stream().map(n -> new Access(n.type(), n.name(), rules.allowed(subject, n.name()))).toList();
        return RequiredAccess.covered(needed, allowed);
    }

    private static void deny(HttpServletResponse response, String subject, List<Access> needed) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        String who = subject == null ? "an anonymous client" : "user \"" + subject + "\"";
        String what = needed.stream().map(Access::scope).collect(Collectors.joining(" "));
        response.getOutputStream().write(Json.bytes(ErrorBody.of(ErrorCode.DENIED, who + " may not " + what
                + ": no rule in ferry.registry.auth.access allows it", needed.stream().map(Access::scope).toList())));
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        String h = request.getHeader("Authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(h.substring(7).strip());
        }
        return Optional.empty();
    }
}
