package io.ferry.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Without ferry.registry.realm, the challenge names the address the connection reached, whatever Host says. */
class DefaultRealmTest extends RegistryServerTest {
    @Test
    void aForgedHostGetsTheServersOwnAddress() {
        RawHttp.Response r = RawHttp.send(port, "GET", "/v2/", RealmTest.FORGED, null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"ferry-registry\"");
    }
}
