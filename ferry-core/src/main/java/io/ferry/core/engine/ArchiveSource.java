package io.ferry.core.engine;

import io.ferry.core.registry.Reference;

import java.nio.file.Path;

/** Where a checkpoint archive comes from: a file, or a registry artifact (streamed, digest verified). */
public sealed interface ArchiveSource {

    /** {@code registry://HOST/REPO:TAG} is a registry; anything else a file path (as the CLI's --import). */
    static ArchiveSource parse(String spec) {
        return Reference.isRegistryUrl(spec) ? new Registry(spec) : new File(Path.of(spec));
    }

    static ArchiveSource file(Path path) {
        return new File(path);
    }

    record File(Path path) implements ArchiveSource {
    }

    record Registry(String url) implements ArchiveSource {
    }
}
