package io.ferry.core.engine;

import io.ferry.core.registry.Reference;

import java.nio.file.Path;

/** Where a checkpoint archive comes from: a file, or a registry artifact (streamed, digest verified). */
public sealed interface ArchiveSource {

    /**
     * {@code registry://HOST/REPO:TAG} is a registry; anything else a file path (as the CLI's --import).
     * The user named it: any registry is theirs to choose, as with {@code ferry pull}.
     */
    static ArchiveSource parse(String spec) {
        return Reference.isRegistryUrl(spec) ? new Registry(spec, true) : new File(Path.of(spec));
    }

    static ArchiveSource file(Path path) {
        return new File(path);
    }

    record File(Path path) implements ArchiveSource {
    }

    /**
     * @param url         {@code registry://HOST/REPO:TAG}
     * @param namedByUser true: the host's user chose it (CLI); false (a command, a message): the registry
     *                    must be one of the host's allowed registries
     */
    record Registry(String url, boolean namedByUser) implements ArchiveSource {

        /** An archive a command or message names: only from an allowed registry. */
        public Registry(String url) {
            this(url, false);
        }
    }
}
