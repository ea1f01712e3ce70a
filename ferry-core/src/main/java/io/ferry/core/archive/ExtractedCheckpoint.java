package io.ferry.core.archive;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.os.Confined;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.Compression;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.protocol.Identifiers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint archive unpacked into a staging directory by {@link #extract}, which checks that it is
 * complete and well-formed; the accessors give its parts.
 */
public final class ExtractedCheckpoint {
    private final Path dir;
    private final CheckpointedContainer config;

    private ExtractedCheckpoint(Path dir, CheckpointedContainer config) {
        this.dir = dir;
        this.config = config;
    }

    /** Unpacks a (compressed or plain) archive stream into {@code staging}; the caller deletes it on failure. */
    public static ExtractedCheckpoint extract(InputStream archive, Path staging, ArchiveLimits limits) {
        try (InputStream tar = Compression.decompress(archive)) {
            new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(tar, staging);
            // read to the very end: a stream that verifies its digest (a registry download) does so at EOF
            tar.transferTo(OutputStream.nullOutputStream());
            archive.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new InvalidArchiveException("cannot read checkpoint archive: " + e.getMessage(), e);
        }
        return open(staging, limits);
    }

    /** Validates an already unpacked archive directory. */
    public static ExtractedCheckpoint open(Path dir, ArchiveLimits limits) {
        for (String required : List.of(ArchiveLayout.CONFIG_DUMP, ArchiveLayout.SPEC_DUMP,
                ArchiveLayout.CHECKPOINT_DIR + "/inventory.img")) {
            if (!Files.isRegularFile(dir.resolve(required))) {
                throw new InvalidArchiveException("not a complete checkpoint archive: " + required + " is missing");
            }
        }
        checkMetadataSize(dir.resolve(ArchiveLayout.CONFIG_DUMP), limits);
        checkMetadataSize(dir.resolve(ArchiveLayout.SPEC_DUMP), limits);
        for (String small : List.of(ArchiveLayout.DELETED_FILES, ArchiveLayout.NETWORK_STATUS, ArchiveLayout.HOSTS,
                ArchiveLayout.RESOLV_CONF)) { // read whole (or copied), like them
            if (Files.isRegularFile(dir.resolve(small))) {
                checkMetadataSize(dir.resolve(small), limits);
            }
        }
        CheckpointedContainer config;
        try (InputStream in = Files.newInputStream(dir.resolve(ArchiveLayout.CONFIG_DUMP))) {
            config = CheckpointedContainer.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExtractedCheckpoint(dir, config);
    }

    private static void checkMetadataSize(Path file, ArchiveLimits limits) {
        try {
            if (Files.size(file) > limits.maxMetadataBytes()) {
                throw new InvalidArchiveException(file.getFileName() + " is larger than "
                        + limits.maxMetadataBytes() + " bytes");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CheckpointedContainer config() {
        return config;
    }

    public ObjectNode spec() {
        try {
            return Json.readTree(dir.resolve(ArchiveLayout.SPEC_DUMP));
        } catch (JacksonException e) {
            throw new InvalidArchiveException("spec.dump is not a valid OCI runtime spec: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("spec.dump is not a valid OCI runtime spec: it is not a JSON object", e);
        }
    }

    public Path imagesDir() {
        return dir.resolve(ArchiveLayout.CHECKPOINT_DIR);
    }

    public Optional<Path> ctrLog() {
        Path p = dir.resolve(ArchiveLayout.CTR_LOG);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public Path networkStatus() {
        return dir.resolve(ArchiveLayout.NETWORK_STATUS);
    }

    /** The container's archived /etc file of that name ({@link ArchiveLayout#HOSTS}, {@link ArchiveLayout#RESOLV_CONF}). */
    public Optional<Path> networkFile(String name) {
        if (!name.equals(ArchiveLayout.HOSTS) && !name.equals(ArchiveLayout.RESOLV_CONF)) {
            throw new IllegalArgumentException("not a network file: " + name);
        }
        Path p = dir.resolve(name);
        return Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }

    /** Podman's devshm-checkpoint.tar: the content of the container's /dev/shm (Podman archives only). */
    public Optional<Path> devShmTar() {
        Path p = dir.resolve(ArchiveLayout.DEVSHM_TAR);
        return Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }

    public Optional<Path> rootfsDiff() {
        Path p = dir.resolve(ArchiveLayout.ROOTFS_DIFF);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public List<String> deletedFiles() {
        Path p = dir.resolve(ArchiveLayout.DELETED_FILES);
        if (!Files.isRegularFile(p)) {
            return List.of();
        }
        try {
            String[] paths = Json.read(p, String[].class);
            if (paths == null || java.util.Arrays.asList(paths).contains(null)) {
                throw new InvalidArchiveException("deleted.files is not a JSON list of paths: it holds null");
            }
            return List.of(paths);
        } catch (JacksonException e) {
            throw new InvalidArchiveException("deleted.files is not a JSON list of paths", e);
        }
    }

    public Optional<Path> volumeTar(String volume) {
        Path p = Confined.resolve(dir, ArchiveLayout.VOLUMES_DIR, Identifiers.volumeName("volume name", volume) + ".tar");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
