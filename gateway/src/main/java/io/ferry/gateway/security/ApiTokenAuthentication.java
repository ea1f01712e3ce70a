package io.ferry.gateway.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import java.util.List;

/**
 * An account of the tokens file proves itself with its token: as {@code Authorization: Bearer} (API
 * clients, ferry migrate), or as the password of the dashboard's login form with the account's name.
 */
final class ApiTokenAuthentication implements AuthenticationProvider {
    private final ApiTokens tokens;

    ApiTokenAuthentication(ApiTokens tokens) {
        this.tokens = tokens;
    }

    ApiTokens tokens() {
        return tokens;
    }

    @Override
    public Authentication authenticate(Authentication request) {
        if (request instanceof BearerTokenAuthenticationToken bearer) {
            return tokens.byToken(bearer.getToken()).map(ApiTokenAuthentication::authenticated)
                    .orElseThrow(() -> new InvalidBearerTokenException("unknown API token"));
        }
        String name = request.getName();
        Object password = request.getCredentials();
        return tokens.byNameAndToken(name, password == null ? "" : password.toString())
                .map(ApiTokenAuthentication::authenticated)
                .orElseThrow(() -> new BadCredentialsException("unknown account or wrong token"));
    }

    private static Authentication authenticated(TokensFile.Account a) {
        return UsernamePasswordAuthenticationToken.authenticated(a.name(), null, List.of(a.role().authority()));
    }

    @Override
    public boolean supports(Class<?> type) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(type)
                || UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
    }
}
