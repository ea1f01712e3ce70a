package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerState;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.HostFeatures;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.Mounts;
import io.ferry.core.os.PipeSize;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Post-copy (CRIU lazy pages) between two hosts on this machine, on real runc + CRIU: the copy runs on B
 * before its memory has arrived, and the memory is the same once it has; a source that dies mid-transfer
 * costs the target copy (killed, reported exited, nothing left behind) and the source resumes; a serving
 * stopped before any target came brings the container back to run on the source.
 */
@Tag("host")
class PostCopyTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** 192 MiB of random bytes held as 256 MiB of base64 in a shell variable; its md5 on demand (/tmp/check). */
    static String memoryHolder(long randomBytes) {
        return "x=$(head -c " + randomBytes + " /dev/urandom | base64 -w 0); echo sum $(printf %s \"$x\" | md5sum); "
                + "i=0; while true; do if [ -e /tmp/check ]; then rm /tmp/check; echo sum $(printf %s \"$x\" | md5sum); fi; "
                + "echo $i; i=$((i+1)); sleep 1; done";
    }

    static final String MEM256 = memoryHolder(192L << 20);

    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    @AfterEach
    void clearBound() {
        System.clearProperty(PostCopyLimits.PROPERTY);
    }

    static List<String> sums(TestHost h, String name) {
        return h.log(name).lines().stream().filter(l -> l.startsWith("sum ")).toList();
    }

    static void awaitSums(TestHost h, String name, int count) {
        h.log(name).await(l -> l.lines().stream().filter(s -> s.startsWith("sum ")).count() >= count, WAIT,
                count + " checksum lines");
    }

    private static PageTransfer await(java.util.concurrent.CompletableFuture<PageTransfer> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void theCopyRunsOnBBeforeItsPagesArriveAndItsMemoryIsTheSameOnceTheyHave() throws Exception {
        TestHost a = hosts.create("pca");
        TestHost b = hosts.create("pcb");
        a.run("mem", MEM256);
        awaitSums(a, "mem", 1);
        String before = sums(a, "mem").get(0);
        Path archive = tmp.resolve("mem.tar.zst");

        CheckpointResult checkpointed = a.engine().checkpoint("mem",
                CheckpointOptions.defaults().withPostCopy(new PageServer("127.0.0.1", 0)), ArchiveTarget.file(archive))
                .result();
        PageServing serving = checkpointed.pageServing();
        assertThat(serving.endpoint().port()).isPositive();
        assertThat(Files.size(archive)).as("the archive holds no memory pages").isLessThan(8L << 20);
        RestoreResult restored = b.engine().restore(ArchiveSource.file(archive),
                RestoreOptions.defaults().withPostCopyFrom(serving.endpoint()));
        boolean pendingWhenRunning = !restored.pageFetching().done().isDone() && b.running("mem");

        PageTransfer fetched = await(restored.pageFetching().done());
        PageTransfer served = await(serving.done());
        serving.release();

        assertThat(pendingWhenRunning).as("B ran the copy before all its pages had arrived").isTrue();
        assertThat(fetched.bytes()).as("fetched").isGreaterThan(256L << 20);
        assertThat(served.bytes()).as("served").isGreaterThan(256L << 20);
        assertThat(a.running("mem")).as("the frozen source copy is gone once released").isFalse();
        assertThat(a.engine().containers().store().get("mem").state()).isEqualTo(ContainerState.EXITED);
        Files.writeString(b.rootfs("mem").resolve("tmp/check"), "");
        awaitSums(b, "mem", 2);
        assertThat(sums(b, "mem")).as("the memory's checksum after the move").containsExactly(before, before);
        assertThat(b.leftoverMounts()).noneMatch(m -> m.contains("criu"));
        assertThat(lazyPagesDaemons()).isEmpty();
    }

    @Test
    void aSourceKilledMidTransferCostsTheTargetCopyAndTheSourceRunsAgain() throws Exception {
        TestHost a = hosts.create("pka");
        TestHost b = hosts.create("pkb");
        a.run("mem", MEM256);
        awaitSums(a, "mem", 1);
        int before = a.log("mem").last();
        Path archive = tmp.resolve("mem.tar.zst");
        PageServing serving = a.engine().checkpoint("mem",
                CheckpointOptions.defaults().withPostCopy(new PageServer("127.0.0.1", 0)), ArchiveTarget.file(archive))
                .result().pageServing();

        // the source's CRIU gets 5% of a CPU: its 256 MiB take long enough to kill it mid-way for sure
        RestoreResult restored;
        try (CpuThrottle slow = CpuThrottle.of(pageServers(), 5)) {
            restored = b.engine().restore(ArchiveSource.file(archive),
                    RestoreOptions.defaults().withPostCopyFrom(serving.endpoint()));
            assertThat(restored.pageFetching().done()).as("the pages are still arriving").isNotDone();
            killPageServer(); // as a crash of the source host's CRIU would
        }

        assertThatThrownBy(() -> await(restored.pageFetching().done())).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("memory pages stopped arriving from 127.0.0.1:" + serving.endpoint().port())
                .hasMessageContaining("was killed");
        assertThat(b.running("mem")).as("the target copy could not go on").isFalse();
        assertThat(b.engine().containers().store().get("mem").state()).isEqualTo(ContainerState.EXITED);
        assertThat(lazyPagesDaemons()).isEmpty();
        assertThat(Mounts.below(b.host().root())).noneMatch(m -> m.contains("criu"));
        assertThat(b.runcContainers()).isEmpty();
        b.engine().containers().remove("mem", true);
        assertThat(b.leftoverMounts()).isEmpty();
        assertThat(b.leftoverNetns()).isEmpty();

        assertThatThrownBy(() -> await(serving.done())).isInstanceOf(ExecutionException.class);
        serving.close();
        a.log("mem").awaitNumberAtLeast(before + 3, WAIT);
        assertThat(a.running("mem")).as("the source copy was never lost: it runs again").isTrue();
    }

    @Test
    void aServingStoppedBeforeTheTargetCameResumesTheContainerOnTheSource() throws Exception {
        TestHost a = hosts.create("psa");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        PageServing serving = a.engine().checkpoint("looper",
                CheckpointOptions.defaults().withPostCopy(new PageServer("127.0.0.1", 0)),
                ArchiveTarget.file(tmp.resolve("l.tar.zst"))).result().pageServing();
        int frozenAt = a.log("looper").last();

        // a migration's rollback while the pages are still served: the serving is stopped, the copy resumed
        assertThat(a.engine().rollback("looper", ArchiveSource.file(tmp.resolve("l.tar.zst")))).isTrue();

        assertThatThrownBy(() -> await(serving.done())).hasMessageContaining("runs here again");
        ContainerLog log = a.log("looper").awaitNumberAtLeast(frozenAt + 2, WAIT);
        CheckpointRestoreTest.assertCountsOnWithoutRestartOrRepeat(log, frozenAt);
        assertThat(a.running("looper")).isTrue();
    }

    @Test
    void aTargetThatNeverComesIsGivenUpOnAfterTheBoundAndTheSourceResumes() throws Exception {
        System.setProperty(PostCopyLimits.PROPERTY, "3");
        TestHost a = hosts.create("pba");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, WAIT);
        PageServing serving = a.engine().checkpoint("looper",
                CheckpointOptions.defaults().withPostCopy(new PageServer("127.0.0.1", 0)),
                ArchiveTarget.file(tmp.resolve("l.tar.zst"))).result().pageServing();
        int frozenAt = a.log("looper").last();

        assertThatThrownBy(() -> await(serving.done())).hasMessageContaining("within 3s");
        assertThat(a.engine().containers().inspect("looper").status()).as("ps says").isEqualTo("paused");
        assertThat(a.engine().runtime().state(a.engine().containers().store().get("looper").id()).status())
                .as("held frozen until the caller decides").isEqualTo("paused");
        // issue 13: `ferry unpause` does not thaw a copy the migration holds, nor is it checkpointed again
        assertThatThrownBy(() -> a.engine().containers().unpause("looper"))
                .hasMessageContaining("held frozen by a post-copy checkpoint");
        assertThatThrownBy(() -> a.engine().checkpoint("looper", CheckpointOptions.defaults(),
                ArchiveTarget.file(tmp.resolve("again.tar.zst"))))
                .hasMessage("\"paused\" is not running, cannot checkpoint: container state improper");
        // the engine's rollback (as a migration's) resumes it: the page-less archive is never restored
        assertThat(a.engine().rollback("looper", ArchiveSource.file(tmp.resolve("l.tar.zst")))).isTrue();
        a.log("looper").awaitNumberAtLeast(frozenAt + 2, WAIT);
        serving.close(); // a no-op now
    }

    @Test
    void postCopyWorksHereAndPreCopyIsUnavailableForAReason() {
        HostFeatures f = hosts.create("feat").engine().features();
        assertThat(f.postCopy()).as(f.postCopyUnavailable()).isTrue();
        if (!f.preCopy()) {
            assertThat(f.preCopyUnavailable()).contains("dirty memory");
        }
        assertThat(PipeSize.current()).as("read whole, not its first byte")
                .isEqualTo(Long.parseLong(io.ferry.core.exec.Commands.check("cat", List.of("cat", "/proc/sys/fs/pipe-max-size"),
                        Duration.ofSeconds(5)).stdout().strip()));
    }

    /** CRIU lazy-pages daemons this JVM started (none may outlive a transfer). */
    static List<ProcessHandle> lazyPagesDaemons() {
        return ProcessHandle.current().descendants().filter(p -> p.isAlive()
                && p.info().commandLine().orElse("").contains("criu lazy-pages --page-server")).toList();
    }

    static List<ProcessHandle> pageServers() {
        List<ProcessHandle> runc = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("checkpoint --lazy-pages")).toList();
        assertThat(runc).as("the page server runs").isNotEmpty();
        return runc;
    }

    /** A cgroup-v1 CPU quota for some processes and their descendants (a slow link in effect). */
    record CpuThrottle(Path dir) implements AutoCloseable {
        static CpuThrottle of(List<ProcessHandle> processes, int percent) throws java.io.IOException {
            Path dir = Path.of("/sys/fs/cgroup/cpu/ferry-test-throttle-" + ProcessHandle.current().pid());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("cpu.cfs_period_us"), "100000");
            Files.writeString(dir.resolve("cpu.cfs_quota_us"), String.valueOf(percent * 1000));
            for (ProcessHandle p : processes) {
                Files.writeString(dir.resolve("cgroup.procs"), String.valueOf(p.pid()));
                for (ProcessHandle d : p.descendants().toList()) {
                    Files.writeString(dir.resolve("cgroup.procs"), String.valueOf(d.pid()));
                }
            }
            return new CpuThrottle(dir);
        }

        @Override
        public void close() throws java.io.IOException {
            Path parent = dir.getParent().resolve("cgroup.procs");
            for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(parent, pid);
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
            for (int i = 0; i < 50 && !dir.toFile().delete(); i++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Kills this JVM's CRIU page server (the checkpoint's runc and its CRIU). */
    static void killPageServer() {
        for (ProcessHandle r : pageServers()) {
            r.descendants().forEach(ProcessHandle::destroyForcibly);
            r.destroyForcibly();
        }
    }
}
