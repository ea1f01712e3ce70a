package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.tar.TarWriter;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed scenario and its variations, on real runc + CRIU containers. */
@Tag("host")
class CheckpointRestoreTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    /** Every number once, in order, from 0: the counter continued where it stopped. */
    static void assertCountsOnWithoutRestartOrRepeat(ContainerLog log, int checkpointedAt) {
        List<Integer> n = log.numbers();
        assertThat(n).as("log starts at 0 and holds the numbers from before the checkpoint").startsWith(0);
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("line %d of %s", i, n).isEqualTo(i);
        }
        assertThat(n.get(n.size() - 1)).as("counted on after the restore").isGreaterThan(checkpointedAt + 1);
    }

    @Test
    void restoredLooperContinuesCounting() {
        TestHost a = hosts.create("seed");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        Path archive = tmp.resolve("looper.tar.zst");

        a.engine().checkpoint("looper", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        assertThat(a.running("looper")).as("checkpoint without -R stops the container").isFalse();
        int stoppedAt = a.log("looper").last();
        a.engine().containers().remove("looper", false);

        RestoreResult restored = a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(restored.container().name()).isEqualTo("looper");
        ContainerLog log = a.log("looper").awaitNumberAtLeast(stoppedAt + 3, WAIT);
        assertCountsOnWithoutRestartOrRepeat(log, stoppedAt);
        assertThat(a.running("looper")).isTrue();
    }

    @Test
    void restoreWithoutNameKeepsIdAndWithNameGetsANewOne() {
        TestHost a = hosts.create("ident");
        ContainerRecord original = a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("looper.tar.zst");
        a.engine().checkpoint("looper", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        a.engine().containers().remove("looper", false);

        ContainerRecord same = a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()).container();
        ContainerRecord copy = a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy")).container();

        assertThat(same.id()).isEqualTo(original.id());
        assertThat(copy.id()).isNotEqualTo(original.id()).matches("[0-9a-f]{64}");
        assertThat(copy.name()).isEqualTo("copy");
    }

    @Test
    void oneArchiveRestoresTwiceUnderNewNamesWhileTheOriginalRuns() {
        TestHost a = hosts.create("clone");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        Path archive = tmp.resolve("looper.tar.zst");

        a.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(), ArchiveTarget.file(archive)).result();
        int checkpointedAt = a.log("looper").last();
        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy1"));
        a.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("copy2"));

        List<String> names = List.of("looper", "copy1", "copy2");
        List<Integer> before = names.stream().map(n -> a.log(n).awaitNumberAtLeast(checkpointedAt + 1, WAIT).last()).toList();
        for (int i = 0; i < names.size(); i++) {
            a.log(names.get(i)).awaitNumberAtLeast(before.get(i) + 2, WAIT);
            assertThat(a.running(names.get(i))).as(names.get(i) + " runs").isTrue();
        }
        assertThat(new HashSet<>(names.stream().map(n -> a.engine().containers().store().get(n).id()).toList())).hasSize(3);
        assertCountsOnWithoutRestartOrRepeat(a.log("copy1"), checkpointedAt);
        assertCountsOnWithoutRestartOrRepeat(a.log("copy2"), checkpointedAt);
    }

    @Test
    void containerMovesFromHostAToHostB() {
        TestHost a = hosts.create("hosta");
        TestHost b = hosts.create("hostb");
        ContainerRecord original = a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        Path archive = tmp.resolve("looper.tar.zst");

        a.engine().checkpoint("looper", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        int stoppedAt = a.log("looper").last();
        RestoreResult moved = b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(moved.container().id()).isEqualTo(original.id());
        assertThat(a.running("looper")).as("the source no longer runs it").isFalse();
        ContainerLog log = b.log("looper").awaitNumberAtLeast(stoppedAt + 3, WAIT);
        assertCountsOnWithoutRestartOrRepeat(log, stoppedAt);
        assertThat(b.rootfs("looper")).startsWith(b.host().root());
        assertThat(b.netns("looper")).contains(b.host().id());
    }

    /** A container that writes /root/marker and deletes /etc/deleteme, then counts; checkpointed into an archive. */
    private Path checkpointWriter(TestHost a, CheckpointOptions options) {
        a.run("writer", "echo kept > /root/marker; rm /etc/deleteme; " + TestHost.LOOPER);
        a.log("writer").awaitNumberAtLeast(1, WAIT);
        Path archive = tmp.resolve("writer.tar.zst");
        a.engine().checkpoint("writer", options, ArchiveTarget.file(archive)).result();
        return archive;
    }

    @Test
    void filesWrittenAndDeletedInTheRootfsAreThereAfterRestore() throws Exception {
        TestHost a = hosts.create("rootfs");
        TestHost b = hosts.create("rootfsb");
        Path archive = checkpointWriter(a, CheckpointOptions.defaults());

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(Files.readString(b.rootfs("writer").resolve("root/marker"))).isEqualTo("kept\n");
        assertThat(b.rootfs("writer").resolve("etc/deleteme")).doesNotExist();
        assertThat(b.inNetns("writer", WAIT, "true")).isEmpty(); // namespace exists
    }

    @Test
    void aDirectoryDeletedAndMadeAgainComesBackWithoutTheImagesFiles() throws Exception {
        TestHost a = hosts.create("opaque");
        TestHost b = hosts.create("opaqueb");
        // /var/www becomes an opaque directory in the writable layer; /tmp, a directory in the image, becomes a file.
        a.run("remaker", "rm -rf /var/www /tmp; mkdir -p /var/www/assets; echo new > /var/www/index.html; "
                + "echo file > /tmp; " + TestHost.LOOPER);
        a.log("remaker").awaitNumberAtLeast(1, WAIT);
        // The image's name moves to another image (as a pull of a newer one does): the checkpoint must
        // still read the layers the container runs on.
        a.engine().imageStore().register(BusyboxImage.REF, List.of(a.engine().imageStore().storeLayer(otherLayer())));
        Path archive = tmp.resolve("remaker.tar.zst");
        a.engine().checkpoint("remaker", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        Path www = b.rootfs("remaker").resolve("var/www");
        try (var names = Files.list(www)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.html", "assets");
        }
        assertThat(www.resolve("index.html")).hasContent("new");
        assertThat(www.resolve("assets")).isEmptyDirectory(); // the image's assets/style.css stays hidden
        assertThat(b.rootfs("remaker").resolve("tmp")).isRegularFile().hasContent("file");
        b.log("remaker").awaitNumberAtLeast(a.log("remaker").last() + 2, WAIT);
    }

    /** A one-file image layer. */
    private static InputStream otherLayer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(out)) {
            tar.addBytes("etc/other-image", "another image\n".getBytes());
            tar.finish();
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    @Test
    void ignoreRootfsLeavesTheChangesOut() throws Exception {
        TestHost a = hosts.create("noroot");
        TestHost b = hosts.create("norootb");
        Path archive = checkpointWriter(a, CheckpointOptions.defaults().ignoringRootfs());

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(b.rootfs("writer").resolve("root/marker")).doesNotExist();
        assertThat(Files.readString(b.rootfs("writer").resolve("etc/deleteme"))).isEqualTo("in the image\n");
        assertThat(a.engine().inspect(archive).rootfsDiffBytes()).isZero();
        b.log("writer").awaitNumberAtLeast(a.log("writer").last() + 2, WAIT);
    }

    @Test
    void restoreIgnoringRootfsSkipsTheArchivedChanges() throws Exception {
        TestHost a = hosts.create("rsign");
        TestHost b = hosts.create("rsignb");
        Path archive = checkpointWriter(a, CheckpointOptions.defaults());
        assertThat(a.engine().inspect(archive).rootfsDiffBytes()).isPositive();

        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().ignoringRootfs());

        assertThat(b.rootfs("writer").resolve("root/marker")).doesNotExist();
    }
}
