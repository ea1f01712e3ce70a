package io.ferry.core.transfer;

import io.ferry.core.host.Host;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may open a direct transfer on host b: every refusal with its status. */
class TransferAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    @TempDir
    Path dir;
    private HostKeys a;
    private HostKeys c;
    private HostKeys mallory;
    private TransferAuthenticator b;

    @BeforeEach
    void bTrustsA() throws Exception {
        a = HostKeys.loadOrCreate(new Host("a", dir.resolve("a")));
        c = HostKeys.loadOrCreate(new Host("c", dir.resolve("c")));
        mallory = HostKeys.loadOrCreate(new Host("a", dir.resolve("m"))); // claims to be a
        Path store = dir.resolve("trusted-hosts");
        Files.writeString(store, a.identity().format() + "\n");
        b = new TransferAuthenticator("b", new TrustStore(store), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static TransferStatement statement(String source, String target, Instant at, String nonce) {
        return new TransferStatement("m1", source, target, at, nonce);
    }

    private static final String N1 = "11111111111111111111111111111111";

    private static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (TransferRefusedException e) {
            return e.status();
        }
    }

    @Test
    void theSourceItselfIsLetInOnce() {
        String header = statement("a", "b", NOW.minusSeconds(5), N1).header(a);
        assertThat(b.authenticate(header, "m1").sourceHost()).isEqualTo("a");
        assertThatThrownBy(() -> b.authenticate(header, "m1")).isInstanceOf(TransferRefusedException.class)
                .hasMessageContaining("used before");
        assertThat(status(() -> b.authenticate(header, "m1"))).isEqualTo(401);
    }

    @Test
    void everyOtherCallerIsRefusedWithItsStatus() {
        assertThat(status(() -> b.authenticate(null, "m1"))).isEqualTo(401);
        assertThat(status(() -> b.authenticate("garbage", "m1"))).isEqualTo(401);
        assertThat(status(() -> b.authenticate(statement("a", "b", NOW, N1).header(mallory), "m1"))).isEqualTo(401);
        assertThat(status(() -> b.authenticate(statement("c", "b", NOW, N1).header(c), "m1"))).isEqualTo(403);
        assertThat(status(() -> b.authenticate(statement("a", "x", NOW, N1).header(a), "m1"))).isEqualTo(403);
        assertThat(status(() -> b.authenticate(statement("a", "b", NOW, N1).header(a), "m2"))).isEqualTo(403);
        assertThat(status(() -> b.authenticate(statement("a", "b", NOW.minusSeconds(121), N1).header(a), "m1"))).isEqualTo(401);
        assertThat(status(() -> b.authenticate(statement("a", "b", NOW.plusSeconds(121), N1).header(a), "m1"))).isEqualTo(401);
        // none of the refusals used up the nonce
        assertThat(status(() -> b.authenticate(statement("a", "b", NOW, N1).header(a), "m1"))).isEqualTo(200);
    }
}
