package io.ferry.core.container;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a container's files live: {@code containers/<id>/} is also runc's bundle (config.json), with
 * the overlay's upper/work/merged dirs, ctr.log and CRIU's checkpoint directories.
 */
public record ContainerLayout(Path dir) {
    public Path record() {
        return dir.resolve("container.json");
    }

    public Path bundle() {
        return dir;
    }

    public Path spec() {
        return dir.resolve("config.json");
    }

    public Path upper() {
        return dir.resolve("upper");
    }

    public Path work() {
        return dir.resolve("work");
    }

    public Path rootfs() {
        return dir.resolve("merged");
    }

    /** Where the container's network attachment writes its hosts and resolv.conf ({@code OciSpecs#NETWORK_FILES}). */
    public Path networkFiles() {
        return dir;
    }

    /** There while the container is paused by {@code ferry pause} (not frozen by a post-copy checkpoint). */
    public Path pausedByUser() {
        return dir.resolve("paused-by-user");
    }

    public Path log() {
        return dir.resolve("ctr.log");
    }

    public Path checkpointImages() {
        return dir.resolve("checkpoint");
    }

    /** Whether CRIU images of the container are kept here (inventory.img is their index). */
    public boolean hasCheckpointImages() {
        return Files.isRegularFile(checkpointImages().resolve("inventory.img"));
    }

    /** A checkpoint's intent ({@code CheckpointIntent}): there while a checkpoint is under way, or was cut off. */
    public Path checkpointIntent() {
        return dir.resolve("checkpointing.json");
    }

    /** CRIU's dump.log of the last checkpoint, kept there by --keep (Podman's bundle dir dump.log). */
    public Path dumpLog() {
        return dir.resolve("dump.log");
    }

    /** CRIU's restore.log of the last restore, kept there by --keep. */
    public Path restoreLog() {
        return dir.resolve("restore.log");
    }

    public Path checkpointWork() {
        return dir.resolve("checkpoint-work");
    }

    public Path restoreWork() {
        return dir.resolve("restore-work");
    }
}
