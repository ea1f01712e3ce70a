package io.ferry.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * A dashboard session holds the account's role from its login. The tokens file is the authority on
 * every request: a session whose account was deleted, or whose role changed, ends here, so revoking
 * a line takes effect for sessions as it does for bearer tokens.
 */
final class RevokedSessions extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);
    private final ApiTokens tokens;

    RevokedSessions(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a instanceof UsernamePasswordAuthenticationToken && a.isAuthenticated()) {
            Optional<TokensFile.Account> now = tokens.byName(a.getName());
            if (now.isEmpty() || !a.getAuthorities().contains(now.get().role().authority())) {
                LOG.warn("ended the session of {}: the account {} the tokens file", a.getName(),
                        now.isEmpty() ? "is no longer in" : "has another role in");
                SecurityContextHolder.clearContext();
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
        }
        chain.doFilter(request, response);
    }
}
