package io.ferry.cli;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.PageServing;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.ferry.cli.FerryCliTest.ferry;
import static org.assertj.core.api.Assertions.assertThat;

/** `ferry checkpoint --lazy-pages` and `ferry restore --lazy-pages` on real containers, each against the engine. */
@Tag("host")
class PostCopyEndToEndCliTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    @Test
    void checkpointServesUntilTheTargetHasEveryPageThenTheContainerIsGoneHere() throws Exception {
        TestHost a = hosts.create("clipa");
        TestHost b = hosts.create("clipb");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("l.tar.zst");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CompletableFuture<FerryCliTest.Run> cli = CompletableFuture.supplyAsync(() -> ferry(a, "checkpoint", "looper",
                "-e", archive.toString(), "--lazy-pages", "--page-server", "127.0.0.1:" + port));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(archive) && System.nanoTime() < deadline && !cli.isDone()) {
            Thread.sleep(50);
        }
        RestoreResult restored = b.engine().restore(ArchiveSource.file(archive),
                RestoreOptions.defaults().withPostCopyFrom(new PageServer("127.0.0.1", port)));
        restored.pageFetching().done().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        FerryCliTest.Run run = cli.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("serving the memory pages of looper at 127.0.0.1:" + port)
                .contains("the target fetched every memory page");
        assertThat(a.running("looper")).isFalse();
        b.log("looper").awaitNumberAtLeast(a.log("looper").last() + 2, WAIT);
    }

    @Test
    void restoreRunsTheCopyAndReturnsOnceEveryPageArrived() throws Exception {
        TestHost a = hosts.create("clipc");
        TestHost b = hosts.create("clipd");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("l.tar.zst");
        PageServing serving = a.engine().checkpoint("looper",
                CheckpointOptions.defaults().withPostCopy(new PageServer("127.0.0.1", 0)),
                ArchiveTarget.file(archive)).result().pageServing();

        FerryCliTest.Run run = ferry(b, "restore", "-i", archive.toString(), "--lazy-pages", "--page-server",
                serving.endpoint().hostPort());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains(b.engine().containers().store().get("looper").id())
                .contains("every memory page of looper arrived");
        serving.done().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        serving.release();
        assertThat(a.running("looper")).isFalse();
        b.log("looper").awaitNumberAtLeast(a.log("looper").last() + 2, WAIT);
    }
}
