package io.ferry.core.checkpoint;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.container.ArchivedSpecs;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.OciSpecs;
import io.ferry.core.container.PodmanSpec;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint may not be trusted with, checked before anything is created on this host (a
 * checkpoint is code that runs as root here). spec.dump must be what this host's template gives the
 * archived config; the CRIU images may hold only the files CRIU writes for such a container, and
 * their tasks, namespaces, mounts and cgroups must lie within the same template. Each refusal is an
 * InvalidArchiveException naming the field or image; docs/security.md lists them.
 */
final class ArchiveVetting {
    private ArchiveVetting() {
    }

    /** Checks the archive; returns the hostname it keeps (the one thing of spec.dump that survives). */
    static String check(ExtractedCheckpoint archive) {
        ContainerConfig archived = archive.config().container();
        String hostname = ArchivedSpecs.check(archive.spec(), archived);
        checkImages(archive.imagesDir(), ArchivedSpecs.templateFor(archived), OciSpecs.boundingSet(), true);
        return hostname;
    }

    /**
     * A Podman archive: spec.dump is only read for what Ferry takes ({@link PodmanSpec}); the CRIU images
     * are vetted against the spec the restore will give (this host's template with Podman's binds).
     */
    static PodmanSpec checkPodman(ExtractedCheckpoint archive) {
        PodmanSpec podman = PodmanRestore.vet(archive);
        ObjectNode spec = ArchivedSpecs.templateFor(archive.config().container());
        List<String> capabilities = new ArrayList<>(OciSpecs.boundingSet());
        PodmanSpec.DEFAULT_CAPABILITIES.stream().filter(c -> !capabilities.contains(c)).forEach(capabilities::add);
        // Podman's defaults: its capability set, and no no_new_privs (docs/podman-interop.md)
        checkImages(archive.imagesDir(), podman.applyTo(spec, Path.of("/")), capabilities, false);
        return podman;
    }

    private static void checkImages(Path images, ObjectNode spec, List<String> capabilities, boolean noNewPrivs) {
        ImageFilesCheck.check(images);
        ImageCredentialsCheck.check(images, capabilities, noNewPrivs);
        ImageNamespacesCheck.check(images);
        ImageMountsCheck.check(images, spec, !noNewPrivs); // a Podman archive: its storage's root
        ImageCgroupsCheck.check(images);
    }
}
