package io.ferry.cli;

import org.junit.jupiter.api.Test;

import static io.ferry.cli.FerryCliTest.ferryRaw;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: `ferry migrate --tcp-established --name` fails fast, with Podman's message, before the gateway is asked. */
class MigrateOptionsCliTest {
    @Test
    void tcpEstablishedWithANewNameIsRefusedBeforeTheGatewayIsAsked() {
        // a gateway that is not there: the refusal must come first
        FerryCliTest.Run r = ferryRaw("migrate", "web", "--from", "host-a", "--to", "host-b", "--gateway",
                "http://127.0.0.1:9", "--tcp-established", "--name", "web2");

        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).contains("--tcp-established cannot be used with --name").doesNotContain("127.0.0.1:9");
    }
}
