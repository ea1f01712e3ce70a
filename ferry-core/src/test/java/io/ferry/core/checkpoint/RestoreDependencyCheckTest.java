package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.CriuImageTamper;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each dependency check refuses the restore with its own message before anything is created.
 * One archive is made (with -R, so the source keeps running) and tampered copies are restored.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreDependencyCheckTest {
    private TestHost source;
    private TestHost target;
    private Path dir;
    private Path archive;

    @BeforeAll
    void checkpointALooper() throws Exception {
        source = TestHost.create("deps");
        dir = Files.createTempDirectory("ferry-deps");
        archive = source.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults().leavingRunning());
    }

    @AfterAll
    void removeSource() {
        source.close();
        io.ferry.core.os.FileTrees.deleteRecursively(dir);
    }

    @AfterEach
    void nothingWasCreated() {
        if (target != null) {
            assertThat(target.leftoverContainerDirs()).as("container directories").isEmpty();
            assertThat(target.leftoverNetns()).as("network namespaces").isEmpty();
            assertThat(target.leftoverMounts()).as("mounts").isEmpty();
            target.close();
            target = null;
        }
    }

    private TestHost target() {
        target = TestHost.create("depst");
        return target;
    }

    @Test
    void missingImageIsNamed() {
        TestHost b = target();
        b.engine().images().remove("busybox");

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("image not known: busybox:latest");
    }

    @Test
    void aContainerWithTheSameIdIsRefused() {
        assertThatThrownBy(() -> source.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("a container with ID " + source.engine().containers().store().get("looper").id()
                        + " already exists on this host");
        assertThat(source.engine().containers().list(true)).hasSize(1);
    }

    @Test
    void aNameInUseIsRefused() {
        TestHost b = target();
        b.run("looper", "sleep 60");

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("the container name \"looper\" is already in use");
        b.engine().containers().remove("looper", true);
    }

    @Test
    void anInvalidNewNameIsRefused() {
        TestHost b = target();
        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named("bad/name")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid container name \"bad/name\"");
    }

    @Test
    void anotherRuntimeIsRefused() {
        TestHost b = target();
        Path crun = new ArchiveRewriter().change("config.dump", json -> new String(json, StandardCharsets.UTF_8)
                .replace("\"runtime\" : \"runc\"", "\"runtime\" : \"crun\"").getBytes(StandardCharsets.UTF_8))
                .writeTo(archive, dir.resolve("crun.tar.zst"));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(crun), RestoreOptions.defaults()))
                .isInstanceOf(IncompatibleException.class)
                .hasMessage("the checkpoint was made with OCI runtime \"crun\"; this host restores with \"runc\"");
    }

    @Test
    void anUnknownCriuImageFormatIsRefused() {
        TestHost b = target();
        Path v3 = new ArchiveRewriter().change("checkpoint/inventory.img", img -> CriuImageTamper.inventoryVersion(img, 3))
                .writeTo(archive, dir.resolve("v3.tar.zst"));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(v3), RestoreOptions.defaults()))
                .isInstanceOf(IncompatibleException.class)
                .hasMessageStartingWith("unsupported CRIU image format version 3");
    }

    @Test
    void anIncompatibleCpuIsRefusedWithCriusReason() {
        TestHost b = target();
        Path alien = new ArchiveRewriter().change("checkpoint/cpuinfo.img", CriuImageTamper::cpuinfoAllCapabilities)
                .writeTo(archive, dir.resolve("cpu.tar.zst"));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.file(alien), RestoreOptions.defaults()))
                .isInstanceOf(IncompatibleException.class)
                .hasMessageStartingWith("this host's CPU cannot run the checkpoint (criu cpuinfo check): ")
                .hasMessageContaining("Error (criu/arch/x86/cpu.c");
    }

    @Test
    void theUntamperedArchiveRestoresOnTheTarget() {
        TestHost b = target();
        b.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        assertThat(b.running("looper")).isTrue();
        b.engine().containers().remove("looper", true);
    }
}
