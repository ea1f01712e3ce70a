package io.ferry.registry;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * registry-service configured as docker-compose.yml configures it when the operator sets nothing:
 * a token an attacker signs with a key he can read in this repository must not be accepted. (The
 * compose file used to pass a fixed HMAC secret: anyone could mint push tokens for every repository.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.registry.gc.interval=1h"})
class ForgedTokenTest {
    static final Path DATA = RegistryServerTest.tempDir();
    /** The placeholder the compose file shipped; an attacker tries it whatever the file says now. */
    static final String SHIPPED_PLACEHOLDER = "change-me-to-32-or-more-random-bytes";

    @DynamicPropertySource
    static void composeDefaults(DynamicPropertyRegistry registry) {
        TestUsers.register(registry);
        registry.add("ferry.registry.data-dir", DATA::toString);
        registry.add("ferry.registry.auth.secret", () -> composeDefault("FERRY_REGISTRY_AUTH_SECRET"));
    }

    @LocalServerPort
    int port;

    /** The value Compose passes for {@code variable} of the registry service when no variable is set. */
    static String composeDefault(String variable) {
        try {
            String compose = Files.readString(Path.of("../docker-compose.yml"));
            Matcher m = Pattern.compile("\\n\\s+" + variable + ": \\$\\{\\w+:-([^}]*)}").matcher(compose);
            assertThat(m.find()).as(variable + " in docker-compose.yml").isTrue();
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String forge(String key, String repository) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("ferry-registry").audience("ferry-registry")
                .subject("attacker").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("access", List.of(Map.of("type", "repository", "name", repository,
                        "actions", List.of("pull", "push", "delete")))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aTokenSignedWithAKeyFromTheRepositoryOpensNothing() throws Exception {
        String configured = composeDefault("FERRY_REGISTRY_AUTH_SECRET");
        for (String key : List.of(configured, SHIPPED_PLACEHOLDER)) {
            if (key.getBytes(StandardCharsets.UTF_8).length < 32) {
                continue; // not a key the service would take: it makes a random one
            }
            RawHttp.Response r = RawHttp.send(port, "POST", "/v2/victim/app/blobs/uploads/",
                    Map.of("Authorization", "Bearer " + forge(key, "victim/app")), null);
            assertThat(r.status()).as("upload with a token signed with \"" + key + "\": " + r.body()).isEqualTo(401);
        }
        assertThat(RawHttp.send(port, "GET", "/v2/victim/app/tags/list", Map.of(), null).status()).isEqualTo(401);
    }

    /** Not holes, kept as regressions: an unsigned token, and a real token for one repository used on another. */
    @Test
    void anUnsignedTokenAndATokenForAnotherRepositoryOpenNothing() throws Exception {
        String claims = forge("x".repeat(32), "victim/app").split("\\.")[1];
        String none = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + claims + ".";
        assertThat(RawHttp.send(port, "POST", "/v2/victim/app/blobs/uploads/",
                Map.of("Authorization", "Bearer " + none), null).status()).isEqualTo(401);
        String mine = new V2(port).token("ferry", "secret", V2.push("attacker/app"));
        assertThat(RawHttp.send(port, "POST", "/v2/attacker/app/blobs/uploads/",
                Map.of("Authorization", "Bearer " + mine), null).status()).isEqualTo(202);
        for (String other : new String[]{"victim/app", "attacker/app/x", "attacker"}) {
            assertThat(RawHttp.send(port, "POST", "/v2/" + other + "/blobs/uploads/",
                    Map.of("Authorization", "Bearer " + mine), null).status()).as(other).isEqualTo(401);
        }
    }
}
