package io.ferry.spring.host;

import java.nio.file.Path;

/**
 * The highest epoch of each migration a host service has seen in a command (fencing), on disk beside
 * {@link ProcessedCommands}: a command of a lower epoch was decided before the migration turned around
 * and is refused, also after a restart. One small file per migration, replaced atomically.
 */
public final class CommandEpochs {
    private final MigrationFiles files;

    CommandEpochs(Path dir) {
        this.files = new MigrationFiles(dir);
    }

    /** The highest epoch seen for the migration (0 when none). */
    public long seen(String migrationId) {
        return files.read(migrationId).map(Long::parseLong).orElse(0L);
    }

    /** Records {@code epoch} if it is higher than what was seen; written before the command is carried out. */
    public void raise(String migrationId, long epoch) {
        if (epoch > seen(migrationId)) {
            files.write(migrationId, Long.toString(epoch));
        }
    }
}
