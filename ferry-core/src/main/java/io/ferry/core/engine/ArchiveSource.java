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
     * Issue 13: the archive a checkpoint image of this host's store holds ({@link FerryEngine#checkpointImage}):
     * restored as a {@link File} (its signature beside it), the container named as the image's annotations say.
     */
    record CheckpointImage(String image, Path archive, String containerName) implements ArchiveSource {
    }

    /**
     * @param url         {@code registry://HOST/REPO:TAG[@sha256:MANIFEST]}
     * @param namedByUser true: the host's user chose it (CLI); false (a command, a message): the registry
     *                    must be one of the host's allowed registries
     * @param migrationId with {@code sourceHost}: the archive of this migration, made by that host for this
     *                    one. It must then be pinned (a manifest digest in {@code url}) and signed by a
     *                    trusted key of {@code sourceHost} for this migration and host, or it is refused
     * @param key         the key of an encrypted archive (a migration's, {@link FerryEngine#openMigrationKey});
     *                    null for a plain one. An encrypted archive without a key, or a key for a plain
     *                    archive, is refused.
     * @param wrappedKey  instead of {@code key}: a migration's key wrapped to this host
     *                    ({@link FerryEngine#newMigrationKey} on the source), opened with this host's own key
     *                    only after the archive's pin and signature are verified
     */
    record Registry(String url, boolean namedByUser, String migrationId, String sourceHost, ArchiveKey key,
                    String wrappedKey) implements ArchiveSource {

        public Registry(String url, boolean namedByUser) {
            this(url, namedByUser, null, null, null, null);
        }

        public Registry(String url, boolean namedByUser, String migrationId, String sourceHost) {
            this(url, namedByUser, migrationId, sourceHost, null, null);
        }

        /** An archive a command or message names: only from an allowed registry. */
        public Registry(String url) {
            this(url, false);
        }

        /** The same archive, decrypted with {@code archiveKey}. */
        public Registry withKey(ArchiveKey archiveKey) {
            return new Registry(url, namedByUser, migrationId, sourceHost, archiveKey, null);
        }

        /** The same (migration's) archive, decrypted with the key {@code wrapped} to this host. */
        public Registry withWrappedKey(String wrapped) {
            return new Registry(url, namedByUser, migrationId, sourceHost, null, wrapped);
        }

        /**
         * The source's own archive of a migration, for its rollback: by its tag (the rollback command pins
         * no manifest), but signed by this host for that migration (sourceHost null: this host), or refused.
         */
        public static Registry ofRollback(String url, String migrationId) {
            return new Registry(url, false, migrationId, null);
        }

        /** A migration's archive, pinned to its manifest and checked against the trust store. */
        public static Registry ofMigration(String url, String manifestDigest, String migrationId, String sourceHost) {
            return new Registry(url + "@" + manifestDigest, false, migrationId, sourceHost);
        }
    }
}
