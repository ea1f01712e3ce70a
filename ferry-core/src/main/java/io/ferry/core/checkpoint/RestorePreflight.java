package io.ferry.core.checkpoint;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.container.Containers;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.Criu;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImageStore;
import io.ferry.core.volume.VolumeStore;
import io.ferry.protocol.Compatibility;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Supplier;

/**
 * The dependency checks before a restore, each failing with a specific error before anything is
 * created: a runtime, architecture and CRIU that can restore it (the one Compatibility rule), the CRIU image format supported, the image present, id and name free, the volume
 * rule (Podman's: a volume of the archived container must not exist yet unless --ignore-volumes,
 * which needs it to exist; one neither here nor in the archive is missing), TCP options matching, and a CPU that can run the checkpoint.
 */
public final class RestorePreflight {
    private final ImageStore images;
    private final VolumeStore volumes;
    private final ContainerStore store;
    private final Containers containers;
    private final Supplier<Compatibility.Platform> hostPlatform;

    public RestorePreflight(ImageStore images, VolumeStore volumes, ContainerStore store,
                            Containers containers, Supplier<Compatibility.Platform> hostPlatform) {
        this.images = images;
        this.volumes = volumes;
        this.store = store;
        this.containers = containers;
        this.hostPlatform = hostPlatform;
    }

    /** Runs every check and returns the image to restore onto. {@code target} is the config after --name. */
    public Image check(ExtractedCheckpoint archive, ContainerConfig target, RestoreOptions options, Criu criu) {
        CheckpointInfo info = archive.config().checkpoint();
        Compatibility.problem(new Compatibility.Platform(info.runtime(), info.arch(), info.criuVersion()),
                hostPlatform.get()).ifPresent(problem -> {
                    throw new IncompatibleException(problem);
                });
        long version;
        try {
            version = CheckpointImages.imageVersion(archive.imagesDir());
        } catch (IOException | InvalidArchiveException e) {
            throw new InvalidArchiveException("checkpoint/inventory.img is unreadable: " + e.getMessage(), e);
        }
        if (version != CheckpointImages.SUPPORTED_IMAGE_VERSION) {
            throw new IncompatibleException("unsupported CRIU image format version " + version + " (CRIU "
                    + info.criuVersion() + "); CRIU " + criu.version() + " on this host reads version "
                    + CheckpointImages.SUPPORTED_IMAGE_VERSION);
        }
        Image image = images.find(target.image()).orElseThrow(() -> NotFoundException.image(target.image()));

        if (options.name() == null && store.idExists(target.id())) {
            throw new ConflictException("a container with ID " + target.id() + " already exists on this host:"
                    + " remove it, or restore with --name to give the copy a new identity");
        }
        containers.checkNameFree(target.name());

        for (VolumeMount v : target.volumes()) {
            boolean archived = archive.volumeTar(v.name()).isPresent();
            // whether or not the archive holds its content: only --ignore-volumes hands a container
            // a volume that is already here (another container's, perhaps)
            if (!options.ignoreVolumes() && volumes.exists(v.name())) {
                throw new ConflictException("volume with name " + v.name()
                        + " already exists. Use --ignore-volumes to not restore content of volumes");
            }
            if ((!archived || options.ignoreVolumes()) && !volumes.exists(v.name())) {
                throw new NotFoundException("volume " + v.name() + " is needed by the container but does not exist"
                        + " on this host" + (archived ? " (--ignore-volumes was given)" : " and is not in the archive"));
            }
        }

        if (info.tcpEstablished() && !options.tcpEstablished() && !options.tcpClose()) { // --tcp-close: they come back closed
            throw new IncompatibleException("the checkpoint holds established TCP connections: restore with --tcp-established"
                    + " (or --tcp-close)");
        }

        if (info.requiresFileLocks() && !options.fileLocks()) {
            throw new IncompatibleException("the checkpoint holds file locks (checkpointed with --file-locks):"
                    + " restore with --file-locks");
        }

        if (Files.isRegularFile(archive.imagesDir().resolve("cpuinfo.img"))) {
            List<String> cpuProblems = criu.checkCpuInfo(archive.imagesDir());
            if (cpuProblems != null) {
                throw new IncompatibleException("this host's CPU cannot run the checkpoint (criu cpuinfo check): "
                        + String.join("; ", cpuProblems));
            }
        }
        return image;
    }
}
