package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Meta;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Options refused before anything moves, whoever asked (REST or a Kafka request). */
class PreflightOptionsTest {

    @Test
    void tcpEstablishedWithANewNameIsRefusedWithPodmansMessage() {
        assertThat(Preflight.options(request(new MigrationOptions(false, true, "web2", null, false)))).get().asString()
                .startsWith(Preflight.OPTIONS_REFUSED).contains("--tcp-established cannot be used with --name");
        assertThat(Preflight.options(request(new MigrationOptions(false, true, null, null, false)))).isEmpty();
        assertThat(Preflight.options(request(new MigrationOptions(false, false, "web2", null, false)))).isEmpty();
        assertThat(Preflight.options(request(null))).isEmpty();
    }

    private static MigrateRequested request(MigrationOptions options) {
        return new MigrateRequested(new Meta("r/requested", "r", MigrationPolicy.GATEWAY, Instant.EPOCH, Meta.VERSION),
                "web", "host-a", "host-b", options);
    }
}
