package io.ferry.core.transfer;

import io.ferry.core.os.Mounts;
import io.ferry.core.tar.ArchiveLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 11: concurrent direct transfers share one memory budget. Each used to compare its
 * announced size with the whole bound (half of MemAvailable, read before any of them wrote) and mount a
 * tmpfs as large as the bound: two 3 GiB transfers to a host with 8 GiB available both went to memory.
 * Real tmpfs mounts (root), so tagged host.
 */
@Tag("host")
class StagedTransfersMemoryTest {
    private static final long MIB = 1 << 20;
    @TempDir
    Path dir;
    private final List<PipedOutputStream> senders = new ArrayList<>();
    private final java.util.concurrent.ExecutorService receivers = java.util.concurrent.Executors.newCachedThreadPool();

    @AfterEach
    void endStreams() throws Exception {
        for (PipedOutputStream s : senders) {
            s.close();
        }
        receivers.shutdown();
        receivers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS); // their own cleanup ends first
        Mounts.unmountBelow(dir.toAbsolutePath());
    }

    @Test
    void aSecondTransferInFlightGoesToDiskWhenBothDoNotFitInTheBound() throws Exception {
        StagedTransfers staged = new StagedTransfers(dir.resolve("transfers"), ArchiveLimits.defaults().withMinFreeBytes(0));
        long bound = 256 * MIB;
        CompletableFuture<StagedTransfer> first = start(staged, "m-first", 150 * MIB, bound);
        until(() -> tmpfsMounts().size() == 1);
        CompletableFuture<StagedTransfer> second = start(staged, "m-second", 150 * MIB, bound);
        until(() -> staged.all().size() == 2
                && java.nio.file.Files.isDirectory(staged.all().get(0).resolve("content"))
                && java.nio.file.Files.isDirectory(staged.all().get(1).resolve("content")));
        Thread.sleep(1000); // a mount of the second would be there by now
        assertThat(tmpfsMounts()).as("150 + 150 MiB do not fit in a 256 MiB bound: one tmpfs").hasSize(1);

        for (PipedOutputStream s : senders) {
            s.write("not an archive".getBytes());
            s.close();
        }
        for (CompletableFuture<StagedTransfer> f : List.of(first, second)) {
            until(f::isDone);
            assertThat(f).isCompletedExceptionally();
        }
        assertThat(tmpfsMounts()).as("failed transfers leave no mount").isEmpty();
        assertThat(staged.all()).isEmpty();

        // the budget is given back: a transfer alone fits again
        CompletableFuture<StagedTransfer> third = start(staged, "m-third", 150 * MIB, bound);
        until(() -> tmpfsMounts().size() == 1);
        senders.get(2).close();
        until(third::isDone);
        assertThat(tmpfsMounts()).isEmpty();
    }

    @Test
    void theTmpfsIsSizedByTheAnnouncedSizeNotTheWholeBound() throws Exception {
        StagedTransfers staged = new StagedTransfers(dir.resolve("transfers"), ArchiveLimits.defaults().withMinFreeBytes(0));
        CompletableFuture<StagedTransfer> t = start(staged, "m-sized", 16 * MIB, 1024 * MIB);
        until(() -> tmpfsMounts().size() == 1);
        long size = java.nio.file.Files.getFileStore(Path.of(tmpfsMounts().get(0))).getTotalSpace();
        assertThat(size).as("a source that announced 16 MiB cannot fill the whole 1 GiB bound").isLessThan(256 * MIB);
        senders.get(0).close();
        until(t::isDone);
    }

    private CompletableFuture<StagedTransfer> start(StagedTransfers staged, String migration, long announced, long bound)
            throws IOException {
        PipedOutputStream sender = new PipedOutputStream();
        PipedInputStream body = new PipedInputStream(sender, 1 << 16);
        senders.add(sender);
        TransferStatement from = TransferStatement.issue(migration, "a", "b");
        return CompletableFuture.supplyAsync(() -> staged.receive(from, body,
                new StagedTransfers.Announced(announced, "none", null), null, bound), receivers);
    }

    private static void until(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private List<String> tmpfsMounts() {
        return Mounts.below(dir.toAbsolutePath());
    }
}
