package io.ferry.core.engine;

import io.ferry.core.checkpoint.Checkpointer;
import io.ferry.core.registry.Reference;

import java.nio.file.Path;

/** Where a checkpoint archive goes: a file, a registry as an OCI artifact, or a stream the caller opens. */
public sealed interface ArchiveTarget {

    /** {@code registry://HOST/REPO:TAG} is a registry; anything else a file path (as the CLI's --export). */
    static ArchiveTarget parse(String spec) {
        return Reference.isRegistryUrl(spec) ? new Registry(spec) : new File(Path.of(spec));
    }

    static ArchiveTarget file(Path path) {
        return new File(path);
    }

    /** Written to a temporary file beside {@code path} and renamed into place when complete. */
    record File(Path path) implements ArchiveTarget {
    }

    /**
     * Streamed into the registry while it is written; the manifest is pushed after the archive blob.
     * With a {@code migrationId}, the archive is signed for that migration and {@code targetHost} (the
     * host then must have keys); without, it is signed as an export (any target) when the host has keys.
     */
    record Registry(String url, String migrationId, String targetHost) implements ArchiveTarget {
        public Registry(String url) {
            this(url, null, null);
        }
    }

    /** Written to whatever {@code sink} opens once the dump succeeded (e.g. a connection to the target host). */
    record Stream(Checkpointer.ArchiveSink sink) implements ArchiveTarget {
    }
}
