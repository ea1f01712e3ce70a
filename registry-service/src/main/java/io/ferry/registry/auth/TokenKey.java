package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The HMAC key tokens are signed with: {@code ferry.registry.auth.secret}, or a random one per start
 * when it is not set (which only a single instance may use, see {@code RegistryInstances}).
 */
@Component
public class TokenKey {
    static final int MIN_BYTES = 32;
    private static final byte[] FINGERPRINT_INPUT = "ferry-registry token key fingerprint v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final boolean configured;

    public TokenKey(RegistryProperties properties) {
        String secret = properties.auth().secret();
        this.configured = secret != null && !secret.isEmpty();
        if (configured) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_BYTES) {
                throw new IllegalStateException("ferry.registry.auth.secret (FERRY_REGISTRY_AUTH_SECRET) has " + bytes.length
                        + " bytes; it needs at least " + MIN_BYTES + " random ones, e.g. from: openssl rand -base64 48");
            }
            this.key = bytes;
        } else {
            this.key = new byte[MIN_BYTES];
            new SecureRandom().nextBytes(key);
        }
    }

    byte[] bytes() {
        return key;
    }

    public boolean configured() {
        return configured;
    }

    /** An HMAC of a constant under the key: equal for equal keys, and tells nothing about the key. */
    public String fingerprint() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(FINGERPRINT_INPUT));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
