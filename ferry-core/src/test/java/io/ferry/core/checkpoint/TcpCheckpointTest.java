package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TCP listeners and established connections across checkpoint/restore (needs CRIU >= 4.2 on kernels >= 6.16). */
@Tag("host")
class TcpCheckpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A server streaming a counter over TCP, and a client in the same container printing what it receives. */
    private static final String STREAM = "nc -ll -p 9000 -e sh -c 'i=0; while true; do echo tcp-$i; i=$((i+1)); sleep 1; done' &"
            + " sleep 1; nc 127.0.0.1 9000";

    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    @Test
    void tcpServerKeepsServingAfterRestore() {
        TestHost a = hosts.create("httpa");
        TestHost b = hosts.create("httpb");
        a.run("web", "httpd -f -p 8080 -h /var/www");
        assertThat(awaitHttp(a, "web")).isEqualTo("hello from ferry\n");
        Path archive = tmp.resolve("web.tar.zst");

        a.engine().checkpoint("web", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(awaitHttp(b, "web")).isEqualTo("hello from ferry\n");
    }

    @Test
    void establishedConnectionSurvivesWithTcpEstablished() {
        TestHost a = hosts.create("tcpa");
        TestHost b = hosts.create("tcpb");
        a.run("stream", STREAM);
        a.log("stream").await(l -> l.numbers("tcp-").size() >= 2, WAIT, "two lines over TCP");
        Path archive = tmp.resolve("stream.tar.zst");

        a.engine().checkpoint("stream", CheckpointOptions.defaults().withTcpEstablished(), ArchiveTarget.file(archive)).result();
        int stoppedAt = last(a.log("stream").numbers("tcp-"));
        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().withTcpEstablished());

        List<Integer> received = b.log("stream").await(l -> last(l.numbers("tcp-")) >= stoppedAt + 2, WAIT,
                "the client to keep receiving").numbers("tcp-");
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i)).as("line %d received over the restored connection: %s", i, received).isEqualTo(i);
        }
    }

    @Test
    void establishedConnectionWithoutTheFlagFailsAndTheContainerRunsOn() {
        TestHost a = hosts.create("tcpno");
        a.run("stream", STREAM);
        a.log("stream").await(l -> l.numbers("tcp-").size() >= 2, WAIT, "two lines over TCP");

        assertThatThrownBy(() -> a.engine().checkpoint("stream", CheckpointOptions.defaults(), ArchiveTarget.file(tmp.resolve("stream.tar.zst"))).result())
                .isInstanceOf(ToolFailedException.class)
                .hasMessageContaining("checkpointing container")
                .hasMessageContaining("--tcp-established"); // CRIU's own advice, from its log

        assertThat(a.running("stream")).isTrue();
        int now = last(a.log("stream").numbers("tcp-"));
        a.log("stream").await(l -> last(l.numbers("tcp-")) >= now + 2, WAIT, "the stream to go on");
        assertThat(tmp.resolve("stream.tar.zst")).doesNotExist();
    }

    @Test
    void archiveWithConnectionsNeedsTcpEstablishedToRestore() {
        TestHost a = hosts.create("tcpneed");
        a.run("stream", STREAM);
        a.log("stream").await(l -> l.numbers("tcp-").size() >= 1, WAIT, "a line over TCP");
        Path archive = tmp.resolve("stream.tar.zst");
        a.engine().checkpoint("stream", CheckpointOptions.defaults().withTcpEstablished(), ArchiveTarget.file(archive)).result();
        a.engine().containers().remove("stream", false);

        assertThatThrownBy(() -> a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(IncompatibleException.class)
                .hasMessage("the checkpoint holds established TCP connections: restore with --tcp-established (or --tcp-close)");
        assertThat(a.leftoverContainerDirs()).isEmpty();
    }

    private static int last(List<Integer> numbers) {
        return numbers.isEmpty() ? -1 : numbers.get(numbers.size() - 1);
    }

    private static String awaitHttp(TestHost h, String container) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return h.inNetns(container, Duration.ofSeconds(5), "/bin/busybox", "wget", "-q", "-O", "-",
                        "http://127.0.0.1:8080/index.html");
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        throw new AssertionError("no HTTP answer from " + container, last);
    }
}
