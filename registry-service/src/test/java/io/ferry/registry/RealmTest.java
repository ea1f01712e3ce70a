package io.ferry.registry;

import io.ferry.registry.auth.Realm;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The realm of the 401 challenge (where clients send their credentials) is the configured one, not
 * the request's Host or X-Forwarded-* headers, even with Spring's forwarded-header support on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.registry.gc.interval=1h",
        "ferry.registry.realm=https://registry.example.com/token", "server.forward-headers-strategy=native"})
class RealmTest {
    static final Path DATA = RegistryServerTest.tempDir();
    /** Every header a proxy-aware server might take its own name from. */
    static final Map<String, String> FORGED = Map.of("Host", "evil.example", "X-Forwarded-Host", "evil.example",
            "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443", "Forwarded", "host=evil.example;proto=https");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestUsers.register(registry);
        registry.add("ferry.registry.data-dir", DATA::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void aForgedHostGetsTheConfiguredRealm() {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/test/realm/blobs/uploads/", FORGED, null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"https://registry.example.com/token\","
                + "service=\"ferry-registry\",scope=\"repository:test/realm:push\"");
    }

    @Test
    void aRealmThatCouldBreakOutOfTheChallengeIsRefused() {
        for (String bad : new String[]{"/token", "ftp://x/token", "http://x/token\",realm=\"http://evil", "http://x/ token",
                "http:///token"}) {
            assertThatThrownBy(() -> Realm.check(bad)).as(bad).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Realm.check("http://[::1]:5000/token")).isEqualTo("http://[::1]:5000/token");
    }
}
