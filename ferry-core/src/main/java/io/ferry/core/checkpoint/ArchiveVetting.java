package io.ferry.core.checkpoint;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.container.ArchivedSpecs;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.OciSpecs;

import java.nio.file.Path;

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
        Path images = archive.imagesDir();
        ImageFilesCheck.check(images);
        ImageCredentialsCheck.check(images, OciSpecs.boundingSet());
        ImageNamespacesCheck.check(images);
        ImageMountsCheck.check(images, ArchivedSpecs.templateFor(archived));
        ImageCgroupsCheck.check(images);
        return hostname;
    }
}
