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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token an attacker signs with a key he can read in this repository must not be accepted. (The compose file
 * used to pass a fixed HMAC secret: anyone could mint push tokens for every repository.) docker-compose.yml now
 * passes no key value at all: the key is a file the operator must name (scripts/compose-secrets.sh writes a random
 * one), mounted as Spring's config tree; the service here runs as with no key set, making a random one.
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
    }

    @LocalServerPort
    int port;

    /** The registry's key in docker-compose.yml: no value and no default, only a file the operator must name. */
    @Test
    void theComposeFileShipsNoKey() throws IOException {
        String compose = Files.readString(Path.of("../docker-compose.yml"));

        assertThat(compose).doesNotContain("FERRY_REGISTRY_AUTH_SECRET").doesNotContain(SHIPPED_PLACEHOLDER);
        assertThat(Pattern.compile("\\$\\{FERRY_REGISTRY_SECRET_FILE:\\?[^}]+}:/run/secrets/spring/ferry\\.registry\\.auth\\.secret:ro")
                .matcher(compose).find()).as("the key: a required file, as the config tree's ferry.registry.auth.secret").isTrue();
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
        for (String key : List.of(SHIPPED_PLACEHOLDER, "x".repeat(32))) {
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
