package io.ferry.core.checkpoint;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.container.ArchivedSpecs;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.OciSpecs;
import io.ferry.core.container.PodmanSpec;
import tools.jackson.databind.JsonNode;
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

    /** What a restore takes from a vetted archive: the hostname, and Podman's binds when it has them. */
    record Vetted(String hostname, PodmanSpec podman) {
    }

    /**
     * Checks the archive. One Podman wrote: spec.dump is only read for what Ferry takes ({@link PodmanSpec});
     * one Ferry wrote of a container it restored from Podman: spec.dump is compared with this host's template
     * plus Podman's binds. The CRIU images are vetted against the spec the restore gives; a Podman container
     * may keep Podman's defaults (its capability set, no no_new_privs, a storage directory as its root).
     */
    static Vetted vet(ExtractedCheckpoint archive) {
        ContainerConfig archived = archive.config().container();
        ObjectNode template = ArchivedSpecs.templateFor(archived);
        if (archive.config().madeByPodman()) {
            PodmanSpec podman = PodmanRestore.vet(archive);
            checkImages(archive.imagesDir(), podman.applyTo(template, Path.of("/")), podmanCapabilities(), false);
            return new Vetted(podman.hostname(), podman);
        }
        JsonNode spec = archive.spec();
        PodmanSpec carried = spec.isObject() ? PodmanSpec.carried(spec).orElse(null) : null;
        String hostname = ArchivedSpecs.check(spec, archived, carried);
        if (carried == null) {
            checkImages(archive.imagesDir(), template, OciSpecs.boundingSet(), true);
        } else {
            checkImages(archive.imagesDir(), carried.applyTo(template, Path.of("/")), podmanCapabilities(), false);
        }
        return new Vetted(hostname, carried);
    }

    private static List<String> podmanCapabilities() {
        List<String> capabilities = new ArrayList<>(OciSpecs.boundingSet());
        PodmanSpec.DEFAULT_CAPABILITIES.stream().filter(c -> !capabilities.contains(c)).sorted().forEach(capabilities::add);
        return capabilities;
    }

    private static void checkImages(Path images, ObjectNode spec, List<String> capabilities, boolean noNewPrivs) {
        ImageFilesCheck.check(images);
        ImageCredentialsCheck.check(images, capabilities, noNewPrivs);
        ImageNamespacesCheck.check(images);
        ImageMountsCheck.check(images, spec, !noNewPrivs); // a Podman archive: its storage's root
        ImageCgroupsCheck.check(images);
    }
}
