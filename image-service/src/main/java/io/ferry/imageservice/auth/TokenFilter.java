package io.ferry.imageservice.auth;

import io.ferry.core.host.Host;
import io.ferry.core.engine.ImageServiceAccess;
import io.ferry.core.json.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Only who holds the host's {@link ImageServiceToken} may call image-service: its own host's services
 * and operators who can read the state root. Health and Prometheus metrics stay open (read-only
 * counters, for probes and scrapers); everything else without the token gets 401 as a problem detail.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TokenFilter extends OncePerRequestFilter {
    private static final Set<String> OPEN = Set.of("/actuator/health", "/actuator/prometheus");

    private final byte[] token;
    private final Path file;

    public TokenFilter(Host host) {
        this.token = ImageServiceAccess.token(host).getBytes(StandardCharsets.US_ASCII);
        this.file = ImageServiceAccess.tokenFile(host);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return OPEN.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refuse(request, response, "this request has no Authorization: Bearer header; image-service takes only"
                    + " its host's token (" + file + ")");
            return;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, token)) {
            refuse(request, response, "the bearer token is not this host's image-service token (" + file + ")");
            return;
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"ferry-image-service\"");
        response.setContentType("application/problem+json");
        response.getOutputStream().write(Json.bytes(problem));
    }
}
