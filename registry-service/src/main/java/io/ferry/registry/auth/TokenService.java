package io.ferry.registry.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ferry.registry.config.RegistryProperties;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues short-lived HS256-signed tokens scoped to repositories and actions for configured users,
 * and verifies them. Without a configured secret a random one is made per start (tokens last
 * minutes; clients fetch new ones after a 401).
 */
@Service
public class TokenService {
    private static final Set<String> GRANTABLE = Set.of("pull", "push", "delete");

    private final RegistryProperties properties;
    private final byte[] secret;

    public TokenService(RegistryProperties properties) {
        this.properties = properties;
        String configured = properties.auth().secret();
        if (configured != null && configured.getBytes(StandardCharsets.UTF_8).length >= 32) {
            this.secret = configured.getBytes(StandardCharsets.UTF_8);
        } else {
            this.secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
    }

    /** The user if the credentials are right; empty for anonymous or wrong credentials. */
    public Optional<String> authenticate(String user, String password) {
        String expected = properties.auth().usersOrEmpty().get(user);
        if (expected == null || password == null) {
            return Optional.empty();
        }
        boolean same = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return same ? Optional.of(user) : Optional.empty();
    }

    /** A token for {@code subject} (null: anonymous, pull only if allowed) granting what was asked. */
    public Issued issue(String subject, List<Access> requested) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (Access a : requested) {
            Set<String> granted = new LinkedHashSet<>(a.actions());
            granted.retainAll(subject != null ? GRANTABLE : (properties.auth().anonymousPull() ? Set.of("pull") : Set.of()));
            if (a.type().equals("repository") && !granted.isEmpty()) {
                access.add(Map.of("type", a.type(), "name", a.name(), "actions", List.copyOf(granted)));
            }
        }
        Instant now = Instant.now();
        Instant expires = now.plus(properties.auth().tokenTtl());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(properties.service()).audience(properties.service())
                .subject(subject == null ? "anonymous" : subject).issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString()).claim("access", access).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return new Issued(jwt.serialize(), properties.auth().tokenTtl().toSeconds(), now);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    public record Issued(String token, long expiresIn, Instant issuedAt) {
    }

    /** The access a valid token grants; empty when the token is forged, expired or for another service. */
    public Optional<List<Access>> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new MACVerifier(secret))) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Date now = new Date();
            if (c.getExpirationTime() == null || c.getExpirationTime().before(now)
                    || !c.getAudience().contains(properties.service())) {
                return Optional.empty();
            }
            List<Access> out = new ArrayList<>();
            Object list = c.getClaim("access");
            if (list instanceof List<?> entries) {
                for (Object o : entries) {
                    if (o instanceof Map<?, ?> m) {
                        Set<String> actions = new LinkedHashSet<>();
                        if (m.get("actions") instanceof List<?> acts) {
                            acts.forEach(x -> actions.add(String.valueOf(x)));
                        }
                        out.add(new Access(String.valueOf(m.get("type")), String.valueOf(m.get("name")), actions));
                    }
                }
            }
            return Optional.of(out);
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }
}
