package io.ferry.spring.host;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The migrations this host has restored a copy for, with the copy's container id, on disk beside
 * {@link ProcessedCommands}. The container record alone cannot say it: a later migration that moves the
 * container on removes it, and a RestoreCommand of the earlier migration still queued (a redelivery, a
 * timeout's second ask) would then restore the old archive again, a second running copy.
 */
public final class RestoredMigrations {
    private final MigrationFiles files;

    RestoredMigrations(Path dir) {
        this.files = new MigrationFiles(dir);
    }

    /** The container this host restored for the migration, if it ever did. */
    public Optional<String> containerOf(String migrationId) {
        return files.read(migrationId);
    }

    /** Written once the copy runs and before anyone is told (replaced atomically). */
    public void record(String migrationId, String containerId) {
        files.write(migrationId, containerId);
    }
}
