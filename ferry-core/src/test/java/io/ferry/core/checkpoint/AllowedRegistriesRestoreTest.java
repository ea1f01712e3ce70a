package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.FakeRegistry;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A restore pulls only from the registries this host is configured for: an archive whose image names
 * another registry, or a restore command naming another registry for the archive, is refused before
 * any request reaches that registry, and nothing is left on the host.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllowedRegistriesRestoreTest {
    private TestHost source;
    private TestHost target;
    private FakeRegistry good;
    private FakeRegistry evil;
    private Path dir;
    private Path archive;

    @BeforeAll
    void checkpointALooper() throws IOException {
        good = FakeRegistry.start();
        evil = FakeRegistry.start();
        source = TestHost.create("regsrc");
        dir = Files.createTempDirectory("ferry-registries");
        archive = source.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        target = TestHost.create("regtgt", EngineSettings.defaults().withRegistryAuth(good.address() + "=ferry:secret"));
    }

    @AfterAll
    void cleanUp() {
        source.close();
        target.close();
        good.close();
        evil.close();
        FileTrees.deleteRecursively(dir);
    }

    @AfterEach
    void nothingReachedTheRegistriesOrWasLeft() {
        assertThat(evil.requests()).as("requests to the archive's registry").isEmpty();
        assertThat(good.requests()).isEmpty();
        assertThat(target.leftoverContainerDirs()).isEmpty();
        assertThat(target.leftoverNetns()).isEmpty();
        assertThat(target.leftoverMounts()).isEmpty();
        assertThat(target.runcContainers()).isEmpty();
    }

    @Test
    void anArchiveWhoseImageNamesAnotherRegistryIsRefused() {
        String image = evil.address() + "/library/busybox:1";
        Path bad = new ArchiveRewriter().change("config.dump", json -> {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(json);
            ((ObjectNode) config.get("container")).put("image", image);
            return Json.bytes(config);
        }).writeTo(archive, dir.resolve("elsewhere.tar.zst"));

        assertThatThrownBy(() -> target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("the archive's image " + image + " names registry " + evil.address()
                        + ", which is not an allowed registry of this host (allowed: " + good.address() + ")");
    }

    @Test
    void aRestoreCommandNamingAnotherRegistryIsRefused() {
        String url = "registry://" + evil.address() + "/checkpoints/looper:1";

        assertThatThrownBy(() -> target.engine().restore(new ArchiveSource.Registry(url), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("the archive " + url + " names registry " + evil.address()
                        + ", which is not an allowed registry of this host (allowed: " + good.address() + ")");
    }
}
