package io.ferry.core.checkpointimage;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointProgress;
import io.ferry.core.checkpoint.CheckpointResult;
import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.error.ConflictException;
import io.ferry.core.host.Host;

import io.ferry.core.image.Image;
import io.ferry.core.image.ImageRefs;
import io.ferry.core.image.ImageStore;
import io.ferry.core.oci.Sha256;
import io.ferry.core.os.OwnerOnlyFiles;
import io.ferry.core.tar.Compression;
import io.ferry.core.trust.CheckpointSignature;
import io.ferry.core.trust.CheckpointStatement;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.SignatureFile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.security.DigestOutputStream;
import java.security.MessageDigest;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Checkpoint images, as Podman's {@code --create-image} and CRI-O's: an OCI image in the host's image store
 * whose one layer is the checkpoint archive (the same bytes as an export) and whose annotations name the
 * container and runtime ({@link CheckpointImageMetadata}). Made here from a checkpoint; pulled ones are vetted
 * ({@link PulledCheckpointLayers}) before the store keeps them; restored from as an imported archive is
 * (the stored layer is a file, its signature beside it), so the restore's vetting and trust rules apply.
 */
public final class CheckpointImages {
    private final Host host;
    private final ImageStore store;
    private final ContainerStore containers;
    private final Checkpointer checkpointer;

    public CheckpointImages(Host host, ImageStore store, ContainerStore containers, Checkpointer checkpointer) {
        this.host = host;
        this.store = store;
        this.containers = containers;
        this.checkpointer = checkpointer;
    }

    /** What {@link #create} made: the checkpoint, the image, and the archive its layer holds. */
    public record Created(CheckpointResult result, Image image, Path archive, String blobDigest, long blobSize) {
    }

    /**
     * Checkpoints the container (as an export: the same options and the same rollback, the container runs on
     * when anything fails before the archive is stored) and registers {@code imageName} for its archive.
     * Signed, as an export is, when this host has keys.
     */
    public Created create(String nameOrId, CheckpointOptions options, String imageName, CheckpointProgress progress) {
        String name = ImageRefs.normalize(imageName); // a bad name refused before anything is frozen
        if (containers.get(nameOrId).config().removesOnExit()) {
            throw new ConflictException(Checkpointer.RM_NEEDS_EXPORT); // Podman: an image is no --export either
        }
        Optional<HostKeys> keys = HostKeys.loadIfPresent(host);
        Path tmp = host.tmp().resolve("checkpoint-image-" + UUID.randomUUID() + ".tar");
        MessageDigest sha = Sha256.newDigest();
        Compression[] used = {Compression.NONE};
        String[] diffId = {null};
        try {
            Files.createDirectories(host.tmp());
            CheckpointResult result = checkpointer.checkpoint(nameOrId, options, new Checkpointer.ArchiveSink() {
                @Override
                public OutputStream open() throws IOException {
                    return open(0, Compression.NONE);
                }

                @Override
                public OutputStream open(long expandedBytes, Compression compression) throws IOException {
                    used[0] = compression;
                    // owner-only from the first byte: it holds the container's memory
                    return new DigestOutputStream(OwnerOnlyFiles.create(tmp), sha) {
                        @Override
                        public void close() throws IOException {
                            super.close();
                            // inside the export: a layer that cannot be stored fails the checkpoint, the container runs on
                            diffId[0] = store.storeArchiveLayer(tmp, null);
                        }
                    };
                }
            }, progress);
            String digest = Sha256.of(sha);
            Path archive = store.archiveLayer(diffId[0]);
            Map<String, String> annotations = CheckpointImageMetadata.of(result.archived(), result.archiveBytes(), used[0], version());
            if (keys.isPresent()) {
                CheckpointStatement statement = CheckpointStatement.export(digest, host.id());
                CheckpointSignature signature = CheckpointSignature.sign(keys.get(), statement);
                SignatureFile.of(statement, signature).write(SignatureFile.of(archive));
                annotations.putAll(signature.annotations());
            }
            String id = Sha256.hex(Sha256.of((diffId[0] + "\n" + result.archived().checkpoint().checkpointedAt())
                    .getBytes(StandardCharsets.UTF_8)));
            Image image = store.registerCheckpoint(name, diffId[0], id, annotations);
            return new Created(result, image, archive, digest, result.archiveBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint image " + name + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the host's tmp is cleaned on start
            }
        }
    }

    /** A checkpoint image of this store: the image, the archive its layer holds, the container it was taken of. */
    public record Found(Image image, Path archive, String containerName) {
    }

    /** The checkpoint image {@code ref} names here; empty for a plain image or no image of that name. */
    public Optional<Found> find(String ref) {
        Optional<Image> image;
        try {
            image = store.find(ref);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return image.filter(Image::checkpoint)
                .map(i -> new Found(i, store.archiveLayer(i.layers().get(0)),
                        i.checkpointOf().orElse(null)))
                .filter(f -> Files.isRegularFile(f.archive()));
    }

    private static String version() {
        String v = CheckpointImages.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

}
