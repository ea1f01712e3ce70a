package io.ferry.core.container;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-host cgroup parent Ferry makes (/ferry/<host> in every hierarchy) goes with the host's last container. */
@Tag("host")
class HostCgroupCleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path CGROUPFS = Path.of("/sys/fs/cgroup");
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    /** The host's cgroup directories: in each v1 controller's hierarchy, or in the v2 unified tree. */
    private static List<Path> cgroupDirs(TestHost host) {
        try (Stream<Path> hierarchies = Files.list(CGROUPFS)) {
            return Stream.concat(Stream.of(CGROUPFS), hierarchies)
                    .map(h -> h.resolve("ferry").resolve(host.host().id())).filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rmOfTheHostsLastContainerLeavesNoCgroupDirectoryOfTheHost() {
        TestHost a = hosts.create("cgrm");
        a.runLooper("one");
        a.runLooper("two");
        assertThat(cgroupDirs(a)).as("runc made the host's cgroup parent").isNotEmpty();

        a.engine().containers().remove("one", true);
        assertThat(cgroupDirs(a)).as("another container of the host still has its cgroup there").isNotEmpty();
        a.engine().containers().remove("two", true);

        assertThat(cgroupDirs(a)).isEmpty();
    }

    @Test
    void aCheckpointedAndARestoredContainerLeaveNoCgroupDirectoryBehind() {
        TestHost a = hosts.create("cgcka");
        TestHost b = hosts.create("cgckb");
        Path archive = a.checkpointLooper(tmp.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        assertThat(cgroupDirs(a)).as("the checkpoint stopped the host's only container").isEmpty();

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        b.log("looper").awaitNumberAtLeast(1, WAIT);
        assertThat(cgroupDirs(b)).as("the restored container has its cgroup below the host's").isNotEmpty();
        a.engine().containers().remove("looper", false);
        b.engine().containers().remove("looper", true);

        assertThat(cgroupDirs(a)).isEmpty();
        assertThat(cgroupDirs(b)).isEmpty();
    }

    @Test
    void stopOfTheHostsLastContainerLeavesNoCgroupDirectoryOfTheHost() {
        TestHost a = hosts.create("cgstop");
        a.runLooper("looper");
        assertThat(cgroupDirs(a)).isNotEmpty();

        a.engine().containers().stop("looper", Duration.ofSeconds(2));

        assertThat(cgroupDirs(a)).isEmpty();
    }
}
