package io.ferry.gateway.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

import java.util.regex.Pattern;

/**
 * A bearer token is a JWT (three base64url parts) when a JWT issuer is configured, otherwise an API
 * token of the tokens file. Deciding by shape gives one clear reason per refusal instead of the last
 * of two providers' complaints.
 */
final class BearerTokens implements AuthenticationManager {
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final ApiTokenAuthentication apiTokens;
    private final JwtAuthenticationProvider jwts;

    /** Either may be null (not configured), not both. */
    BearerTokens(ApiTokenAuthentication apiTokens, JwtDecoder jwtDecoder, SecurityProperties.Jwt settings) {
        this.apiTokens = apiTokens;
        if (jwtDecoder != null) {
            jwts = new JwtAuthenticationProvider(jwtDecoder);
            jwts.setJwtAuthenticationConverter(new JwtRoles(settings));
        } else {
            jwts = null;
        }
    }

    @Override
    public Authentication authenticate(Authentication request) {
        String token = ((BearerTokenAuthenticationToken) request).getToken();
        if (jwts != null && JWT.matcher(token).matches()) {
            return jwts.authenticate(request);
        }
        if (apiTokens != null) {
            return apiTokens.authenticate(request);
        }
        throw new InvalidBearerTokenException("not a JWT (this gateway accepts only JWTs: it has no tokens file)");
    }
}
