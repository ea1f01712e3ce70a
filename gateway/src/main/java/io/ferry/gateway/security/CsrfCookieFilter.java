package io.ferry.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Spring Security makes the CSRF token only when something asks for it; the login page and the
 * dashboard are static files that read it from the XSRF-TOKEN cookie, so every browser request asks
 * (bearer requests need none).
 */
final class CsrfCookieFilter extends OncePerRequestFilter {
    private final RequestMatcher bearer;

    CsrfCookieFilter(RequestMatcher bearer) {
        this.bearer = bearer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!bearer.matches(request) && request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
            token.getToken();
        }
        chain.doFilter(request, response);
    }
}
