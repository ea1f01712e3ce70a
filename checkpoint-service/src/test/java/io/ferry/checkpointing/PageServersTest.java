package io.ferry.checkpointing;

import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.PageServing;
import io.ferry.core.checkpoint.PageTransfer;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's page servers (no engine: a page server is a future completed here): a server that breaks off on
 * its own is reported lost, one closed by a rollback is not, and finalize waits for the server before it goes.
 */
class PageServersTest {
    private final List<MigrationMessage> sent = new CopyOnWriteArrayList<>();
    private final PageServers servers = new PageServers(sent::add);

    private static final class FakeServing implements PageServing {
        final CompletableFuture<PageTransfer> done = new CompletableFuture<>();
        volatile boolean closed;
        volatile boolean released;

        @Override
        public PageServer endpoint() {
            return new PageServer("127.0.0.1", 40123);
        }

        @Override
        public CompletableFuture<PageTransfer> done() {
            return done;
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public void close() {
            closed = true;
            done.completeExceptionally(new IllegalStateException("closed"));
        }
    }

    private static MigrationMessage.CheckpointCommand checkpoint() {
        return new MigrationMessage.CheckpointCommand(new Meta("m-1/requested/checkpoint", "m-1", "host-a", Instant.EPOCH,
                Meta.VERSION, 0), "web", "registry://r:5000/ferry/migrations/host-a:m-1", false, false, "host-b", null, true);
    }

    @Test
    void aPageServerThatBreaksOffOnItsOwnIsReportedAsLostByTheSource() {
        FakeServing serving = new FakeServing();
        servers.serve(checkpoint(), serving, "host-a");

        serving.done.completeExceptionally(new IllegalStateException("page-pipe: splice: Bad file descriptor"));

        assertThat(sent).singleElement().isInstanceOfSatisfying(PostCopyFailed.class, f -> {
            assertThat(f.meta().hostId()).isEqualTo("host-a");
            assertThat(f.meta().id()).isEqualTo("m-1/requested/checkpoint/page-server-failed");
            assertThat(f.containerLost()).isTrue();
            assertThat(f.reason()).contains("page server of host-a failed").contains("splice");
        });
        assertThat(servers.serves("m-1")).isFalse();
    }

    @Test
    void aRollbackClosesThePageServerWithoutReportingAFailure() {
        FakeServing serving = new FakeServing();
        servers.serve(checkpoint(), serving, "host-a");

        servers.stop("m-1");

        assertThat(serving.closed).isTrue();
        assertThat(serving.released).isFalse();
        assertThat(sent).isEmpty();
    }

    @Test
    void finalizeWaitsForThePageServerToFinishThenReleasesTheHeldCopyNeverResumesIt() {
        FakeServing serving = new FakeServing();
        servers.serve(checkpoint(), serving, "host-a");
        serving.done.complete(new PageTransfer(4096, Duration.ofMillis(5)));

        assertThat(servers.finish("m-1", Duration.ofSeconds(5))).isTrue();

        assertThat(serving.released).isTrue();
        assertThat(serving.closed).as("close() would resume the source copy: two would run").isFalse();
        assertThat(sent).isEmpty();
        assertThat(servers.finish("m-2", Duration.ofSeconds(5))).as("a migration without page server").isTrue();
    }
}
