package io.ferry.core.image;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pure logic of checkpoint images: which annotations make one, and how the store keeps its archive layer. */
class CheckpointImageStoreTest {
    private static final String ID = "a".repeat(64);

    @Test
    void podmansOrCriosKeysMakeACheckpointImage() {
        assertThat(CheckpointImageAnnotations.isCheckpointImage(Map.of(CheckpointImageAnnotations.PODMAN_RUNTIME_NAME, "runc"))).isTrue();
        assertThat(CheckpointImageAnnotations.isCheckpointImage(Map.of(CheckpointImageAnnotations.CRIO_NAME, "c"))).isTrue();
        assertThat(CheckpointImageAnnotations.isCheckpointImage(Map.of("org.opencontainers.image.title", "x"))).isFalse();
        assertThat(CheckpointImageAnnotations.isCheckpointImage(null)).isFalse();
        assertThat(CheckpointImageAnnotations.containerName(Map.of(CheckpointImageAnnotations.CRIO_NAME, "c"))).contains("c");
        assertThat(CheckpointImageAnnotations.containerName(Map.of(CheckpointImageAnnotations.PODMAN_NAME, "p",
                CheckpointImageAnnotations.CRIO_NAME, "c"))).contains("p");
        assertThat(CheckpointImageAnnotations.layerMediaType(Compression.ZSTD)).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
        assertThat(CheckpointImageAnnotations.layerMediaType(Compression.NONE)).isEqualTo(MediaTypes.OCI_LAYER);
        assertThat(CheckpointImageAnnotations.isArchiveLayerType(MediaTypes.OCI_LAYER_GZIP)).isTrue();
        assertThat(CheckpointImageAnnotations.isArchiveLayerType(MediaTypes.FERRY_CHECKPOINT_ARCHIVE + "+encrypted")).isFalse();
        assertThat(new Image(ID, java.util.List.of(), java.util.List.of(), java.time.Instant.now(), 0).checkpoint())
                .as("a record written before issue 13 (no annotations)").isFalse();
    }

    @Test
    void theArchiveLayerIsKeptAsItCameNamedByItsUncompressedDigest(@TempDir Path dir) throws IOException {
        ImageStore store = new ImageStore(dir.resolve("store"), ArchiveLimits.defaults());
        byte[] tar = "not even a tar, the store does not care".getBytes();
        Path blob = dir.resolve("blob");
        try (OutputStream out = Compression.GZIP.compress(Files.newOutputStream(blob))) {
            out.write(tar);
        }
        byte[] compressed = Files.readAllBytes(blob);

        String diffId = store.storeArchiveLayer(blob, io.ferry.core.oci.Sha256.of(tar));

        assertThat(Files.readAllBytes(store.archiveLayer(diffId))).isEqualTo(compressed);
        Image image = store.registerCheckpoint("snap:1", diffId, ID, Map.of(CheckpointImageAnnotations.PODMAN_RUNTIME_NAME,
                "runc", CheckpointImageAnnotations.PODMAN_NAME, "looper"));
        assertThat(store.get("snap:1").checkpointOf()).contains("looper");
        assertThatThrownBy(() -> store.lowerDirs(image)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image snap:1 is a checkpoint image of container looper, not a root filesystem: restore it"
                        + " with `ferry restore snap:1` or `ferry run snap:1` (without a command)");
        store.remove(image);
        assertThat(store.hasArchiveLayer(diffId)).isFalse();
    }

    @Test
    void aLayerWhoseContentIsNotWhatTheConfigSaysIsRefused(@TempDir Path dir) throws IOException {
        ImageStore store = new ImageStore(dir.resolve("store"), ArchiveLimits.defaults());
        Path blob = Files.writeString(dir.resolve("blob"), "content");
        assertThatThrownBy(() -> store.storeArchiveLayer(blob, "sha256:" + "0".repeat(64)))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("but the image config says");
        assertThat(store.list()).isEmpty();
    }
}
