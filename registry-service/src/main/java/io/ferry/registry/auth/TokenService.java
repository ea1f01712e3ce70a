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
 * Issues short-lived HS256-signed tokens granting what the access rules allow of what was asked, and
 * verifies them. The key is {@link TokenKey}'s.
 */
@Service
public class TokenService {
    private final RegistryProperties properties;
    private final AccessRules rules;
    private final byte[] secret;

    public TokenService(RegistryProperties properties, AccessRules rules, TokenKey key) {
        this.properties = properties;
        this.rules = rules;
        this.secret = key.bytes();
    }

    /** What of {@code requested} the rules allow {@code subject} (null: anonymous). */
    public List<Access> grantable(String subject, List<Access> requested) {
        return rules.grant(subject, requested);
    }

    /** A token for {@code subject} (null: anonymous) granting {@code granted}, see {@link #grantable}. */
    public Issued issue(String subject, List<Access> granted) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (Access a : granted) {
            access.add(Map.of("type", a.type(), "name", a.name(), "actions", List.copyOf(a.actions())));
        }
        Instant now = Instant.now();
        Instant expires = now.plus(properties.auth().tokenTtl());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(properties.service()).audience(properties.service())
                .subject(subject == null ? AccessRules.ANONYMOUS : subject).issueTime(Date.from(now))
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

    /** Who a valid token was issued to (null: anonymous) and what it grants. */
    public record Verified(String subject, List<Access> access) {
    }

    /** The grant of a valid token; empty when the token is forged, expired or for another service. */
    public Optional<Verified> verify(String token) {
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
            String subject = AccessRules.ANONYMOUS.equals(c.getSubject()) ? null : c.getSubject();
            return Optional.of(new Verified(subject, out));
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }
}
