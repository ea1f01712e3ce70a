package io.ferry.core.engine;

import io.ferry.core.crypto.ArchiveKey;
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

    /** A file: a plain archive, or one encrypted to this host (recognised by its magic, opened with the host's key). */
    record File(Path path) implements ArchiveSource {
    }

    /**
     * @param url         {@code registry://HOST/REPO:TAG}
     * @param namedByUser true: the host's user chose it (CLI); false (a command, a message): the registry
     *                    must be one of the host's allowed registries
     * @param key         the key of an encrypted archive (a migration's, {@link FerryEngine#openMigrationKey});
     *                    null for a plain one. An encrypted archive without a key, or a key for a plain
     *                    archive, is refused.
     */
    record Registry(String url, boolean namedByUser, ArchiveKey key) implements ArchiveSource {

        public Registry(String url, boolean namedByUser) {
            this(url, namedByUser, null);
        }

        /** An archive a command or message names: only from an allowed registry. */
        public Registry(String url) {
            this(url, false, null);
        }

        /** The same archive, decrypted with {@code archiveKey}. */
        public Registry withKey(ArchiveKey archiveKey) {
            return new Registry(url, namedByUser, archiveKey);
        }
    }
}
