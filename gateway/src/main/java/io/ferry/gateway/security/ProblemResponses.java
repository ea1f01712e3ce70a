package io.ferry.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * 401 and 403 as RFC 9457 problem details, like the API's other errors: 401 says what to send
 * (with {@code WWW-Authenticate: Bearer}, and the token's fault when one was sent), 403 names the role
 * the request needs and the one the caller has.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final boolean formLogin;

    ProblemResponses(boolean formLogin) {
        this.formLogin = formLogin;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        bearer.commence(request, response, e); // status 401 and WWW-Authenticate: Bearer [error="invalid_token", ...]
        String detail;
        if (e instanceof OAuth2AuthenticationException o) {
            String reason = o.getError().getDescription() != null ? o.getError().getDescription() : o.getMessage();
            detail = "invalid bearer token: " + reason;
        } else {
            detail = "authentication required: send Authorization: Bearer <token> (an API token"
                    + " or a JWT from the configured issuer)" + (formLogin ? ", or log in at /login.html" : "");
        }
        write(request, response, HttpStatus.UNAUTHORIZED, detail, null);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        if (e instanceof CsrfException) {
            write(request, response, HttpStatus.FORBIDDEN, "missing or invalid CSRF token: a request with the session"
                    + " cookie must send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header (the dashboard does);"
                    + " API clients send a bearer token instead", null);
            return;
        }
        Optional<String> needed = neededRole(e);
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        String who = caller == null ? "the caller" : caller.getName();
        String has = caller == null ? "no role" : roles(caller.getAuthorities());
        String detail = request.getMethod() + " " + request.getRequestURI()
                + needed.map(r -> " needs the role " + r).orElse(" is not allowed") + "; " + who + " has " + has;
        write(request, response, HttpStatus.FORBIDDEN, detail, needed.orElse(null));
    }

    private static Optional<String> neededRole(AccessDeniedException e) {
        if (e instanceof AuthorizationDeniedException d
                && d.getAuthorizationResult() instanceof AuthorityAuthorizationDecision a) {
            return a.getAuthorities().stream().map(GrantedAuthority::getAuthority).map(Role::ofAuthority)
                    .flatMap(Optional::stream).map(Role::id).findFirst();
        }
        return Optional.empty();
    }

    private static String roles(java.util.Collection<? extends GrantedAuthority> authorities) {
        List<String> ids = authorities.stream().map(GrantedAuthority::getAuthority).map(Role::ofAuthority)
                .flatMap(Optional::stream).map(Role::id).toList();
        return ids.isEmpty() ? "no Ferry role (roles: " + Role.ids() + ")" : "the role " + String.join(", ", ids);
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail,
                              String requiredRole) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status == HttpStatus.UNAUTHORIZED ? "Unauthorized" : "Forbidden");
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        if (requiredRole != null) {
            problem.put("requiredRole", requiredRole);
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JsonMapper.shared().writeValueAsString(problem));
    }

}
