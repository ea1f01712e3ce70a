package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.error.ErrorBody;
import io.ferry.registry.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token endpoint of the Docker token authentication spec: HTTP Basic credentials in, a bearer
 * token out, granting what the access rules allow of the scopes asked (possibly less, or nothing).
 */
@RestController
public class TokenController {
    private final TokenService tokens;
    private final Users users;
    private final RegistryProperties properties;

    public TokenController(TokenService tokens, Users users, RegistryProperties properties) {
        this.tokens = tokens;
        this.users = users;
        this.properties = properties;
    }

    @GetMapping("/token")
    public ResponseEntity<?> token(HttpServletRequest request, @RequestParam(required = false) String service) {
        // read raw: Spring would split "repository:x:pull,push" at the comma
        String[] raw = request.getParameterValues("scope");
        List<String> scopes = raw == null ? List.of() : List.of(raw);
        Optional<String> user = Optional.empty();
        String header = request.getHeader("Authorization");
        if (header != null) {
            // any Authorization header must be valid Basic credentials of a user: a malformed one is
            // a client error (401), never an anonymous request nor a server error
            user = BasicCredentials.parse(header).flatMap(c -> users.authenticate(c.user(), c.password()));
            if (user.isEmpty()) {
                return unauthorized("invalid user name or password");
            }
        }
        List<Access> granted = tokens.grantable(user.orElse(null), Access.parseScopes(scopes));
        if (user.isEmpty() && granted.isEmpty() && !scopes.isEmpty()) {
            return unauthorized("credentials required"); // so that a client with credentials retries with them
        }
        TokenService.Issued issued = tokens.issue(user.orElse(null), granted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn());
        body.put("issued_at", issued.issuedAt().toString());
        return ResponseEntity.ok(body);
    }

    private ResponseEntity<?> unauthorized(String message) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header("WWW-Authenticate", "Basic realm=\"" + properties.service() + "\"")
                .body(ErrorBody.of(ErrorCode.UNAUTHORIZED, message, null));
    }
}
