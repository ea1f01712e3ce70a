package io.ferry.core.checkpointimage;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.error.ConflictException;
import io.ferry.core.image.CheckpointImageAnnotations;
import io.ferry.core.image.Image;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoint images on one host (Podman's checkpoint_image_test): made from a running container, listed as
 * images, restored several times under new names and once under the original name, refused as a base image,
 * removed like any image. Real runc and CRIU.
 */
@Tag("host")
class CheckpointImageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    @Test
    void aCheckpointImageIsListedRestoredUnderNewNamesAndUnderItsOwnName() {
        TestHost a = hosts.create("ckimg");
        FerryEngine engine = a.engine();
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);

        engine.checkpointToImage("looper", CheckpointOptions.defaults(), "looper-checkpoint");
        int checkpointedAt = a.log("looper").last();

        Image image = engine.images().get("looper-checkpoint");
        assertThat(image.checkpoint()).isTrue();
        assertThat(image.checkpointOf()).contains("looper");
        assertThat(image.annotations()).containsEntry(CheckpointImageAnnotations.PODMAN_NAME, "looper")
                .containsEntry(CheckpointImageAnnotations.PODMAN_RUNTIME_NAME, "runc")
                .containsEntry(CheckpointImageAnnotations.CRIO_NAME, "looper")
                .containsKeys(CheckpointImageAnnotations.PODMAN_CRIU_VERSION, CheckpointImageAnnotations.FERRY_VERSION);
        assertThat(engine.images().list()).extracting(Image::id).contains(image.id());
        assertThat(engine.find("looper").orElseThrow().running()).isFalse(); // checkpointed as an export: stopped

        // the original still holds its name: Podman's message
        ArchiveSource source = engine.checkpointImage("looper-checkpoint").orElseThrow();
        assertThatThrownBy(() -> engine.restore(source, RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("the container name \"looper\" is already in use by ");

        ContainerRecord one = engine.restore(source, RestoreOptions.defaults().named("copy1")).container();
        ContainerRecord two = engine.restore(source, RestoreOptions.defaults().named("copy2")).container();
        assertThat(List.of(one.id(), two.id())).doesNotHaveDuplicates().doesNotContain(engine.find("looper")
                .orElseThrow().record().id());
        for (String copy : List.of("copy1", "copy2")) {
            int resumedAt = a.log(copy).awaitNumberAtLeast(checkpointedAt + 1, WAIT).last();
            a.log(copy).awaitNumberAtLeast(resumedAt + 2, WAIT); // and counts on
        }

        engine.containers().remove("looper", true);
        ContainerRecord original = engine.restore(engine.checkpointImage("looper-checkpoint").orElseThrow(),
                RestoreOptions.defaults()).container();
        assertThat(original.name()).isEqualTo("looper");
        a.log("looper").awaitNumberAtLeast(checkpointedAt + 2, WAIT);
    }

    @Test
    void aCheckpointImageIsNoBaseImageAndIsRemovedLikeAnyImage() {
        TestHost a = hosts.create("ckimg");
        FerryEngine engine = a.engine();
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, WAIT);
        engine.checkpointToImage("looper", CheckpointOptions.defaults().leavingRunning(), "snap:1");
        assertThat(engine.find("looper").orElseThrow().running()).isTrue(); // --leave-running, as an export

        assertThatThrownBy(() -> engine.containers().run(new RunRequest("other", "snap:1", List.of("true"), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image snap:1 is a checkpoint image of container looper, not a root filesystem");
        assertThat(engine.find("other")).isEmpty();
        assertThat(engine.checkpointImage("busybox")).isEmpty(); // a plain image is no checkpoint
        assertThat(engine.checkpointImage("nothing-here")).isEmpty();

        Path archive = ((ArchiveSource.CheckpointImage) engine.checkpointImage("snap:1").orElseThrow()).archive();
        engine.images().remove("snap:1");
        assertThat(engine.images().find("snap:1")).isEmpty();
        assertThat(Files.exists(archive)).isFalse();
        assertThat(engine.checkpointImage("snap:1")).isEmpty();
    }
}
