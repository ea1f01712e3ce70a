package io.ferry.core.engine;

import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.registry.Reference;
import io.ferry.core.trust.HostIdentity;

import java.nio.file.Path;
import java.util.List;

/** Where a checkpoint archive goes: a file, a registry as an OCI artifact, or a stream the caller opens. */
public sealed interface ArchiveTarget {

    /** {@code registry://HOST/REPO:TAG} is a registry; anything else a file path (as the CLI's --export). */
    static ArchiveTarget parse(String spec) {
        return Reference.isRegistryUrl(spec) ? new Registry(spec) : new File(Path.of(spec));
    }

    static ArchiveTarget file(Path path) {
        return new File(path);
    }

    /**
     * Written to a temporary file beside {@code path} and renamed into place when complete. With
     * recipients, encrypted with a fresh key wrapped to each of them in the file's header (only
     * those hosts can import it); without, the plain Podman-compatible archive.
     */
    record File(Path path, List<HostIdentity> recipients) implements ArchiveTarget {
        public File {
            recipients = List.copyOf(recipients);
        }

        public File(Path path) {
            this(path, List.of());
        }
    }

    /**
     * Streamed into the registry while it is written; the manifest is pushed after the archive blob.
     * With a {@code migrationId}, the archive is signed for that migration and {@code targetHost} (the
     * host then must have keys); without, it is signed as an export (any target) when the host has keys.
     * With a key (a migration's, see {@link FerryEngine#newMigrationKey}) the blob is the encrypted
     * archive and its layer's media type says so; the key itself goes nowhere near the registry.
     */
    record Registry(String url, String migrationId, String targetHost, ArchiveKey key) implements ArchiveTarget {
        public Registry(String url) {
            this(url, null, null, null);
        }

        /** Signed for a migration to {@code targetHost}, not encrypted. */
        public Registry(String url, String migrationId, String targetHost) {
            this(url, migrationId, targetHost, null);
        }

        /** Encrypted with {@code key}, signed as an export. */
        public Registry(String url, ArchiveKey key) {
            this(url, null, null, key);
        }
    }

    /**
     * Streamed straight to the target host's restore-service ({@code endpoint}, from its heartbeat) while it is
     * written, and signed for {@code migrationId} and {@code targetHost} over the bytes sent. With a key (the
     * migration's), encrypted, and {@code wrappedKey} (the key wrapped to the target) goes with the stream.
     */
    record Direct(String endpoint, String migrationId, String targetHost, ArchiveKey key, String wrappedKey)
            implements ArchiveTarget {
    }

    /** Written to whatever {@code sink} opens once the dump succeeded (e.g. a connection to the target host). */
    record Stream(Checkpointer.ArchiveSink sink) implements ArchiveTarget {
    }
}
