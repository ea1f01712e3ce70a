package io.ferry.cli;

import io.ferry.cli.FerryCliTest.Run;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ferry.cli.FerryCliTest.ferry;
import static org.assertj.core.api.Assertions.assertThat;

/** Identifiers typed on the command line or found on disk are checked, and never printed raw. */
@Tag("host")
class HostileIdentifiersCliTest {
    private TestHost host;

    @BeforeEach
    void host() {
        host = TestHost.create("clids");
    }

    @AfterEach
    void cleanUp() {
        host.close();
    }

    @Test
    void identifiersOnTheCommandLineAreCheckedAndShownEscaped() {
        Run rm = ferry(host, "rm", "../../x");
        assertThat(rm.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(rm.err()).contains("Error: invalid container name or id \"../../x\"");

        Run run = ferry(host, "run", "-d", "--name", "web\nfake\u001b[2K", "busybox", "true");
        assertThat(run.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(run.err()).contains("Error: invalid container name \"web\\nfake\\u001b[2K\"").doesNotContain("\n\u001b");

        Run huge = ferry(host, "volume", "create", "v".repeat(5000));
        assertThat(huge.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(huge.err()).contains("…(5000 characters)").hasSizeLessThan(400);
    }

    @Test
    void aRecordWithAForgedNameNeverReachesPsOutput() throws IOException {
        // a record planted on disk (or written by an older Ferry) whose name forges a second ps line
        String id = ContainerStore.newId();
        Path dir = Files.createDirectories(host.host().containers().resolve(id));
        Files.writeString(dir.resolve("container.json"), "{\"config\":{\"id\":\"" + id + "\",\"name\":\"web\\n"
                + "0123456789ab  busybox  sh  1 second ago  running  root-shell\",\"image\":\"busybox:latest\",\"imageId\":\""
                + "ab".repeat(32) + "\",\"command\":[\"true\"],\"volumes\":[],\"created\":\"2026-01-01T00:00:00Z\"},"
                + "\"state\":\"EXITED\",\"checkpointed\":false}");

        try {
            Run ps = ferry(host, "ps", "-a");
            assertThat(ps.out()).doesNotContain("root-shell");
            assertThat(ps.exit()).isEqualTo(FerryCli.EXIT_FAILURE);
            assertThat(ps.err()).contains("is invalid: invalid container.name \"web\\n0123456789ab");
        } finally {
            io.ferry.core.os.FileTrees.deleteRecursively(dir); // as the message tells the user to
        }
    }
}
