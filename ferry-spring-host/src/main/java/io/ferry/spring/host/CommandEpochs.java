package io.ferry.spring.host;

import io.ferry.core.oci.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The highest epoch of each migration a host service has seen in a command (fencing), on disk beside
 * {@link ProcessedCommands}: a command of a lower epoch was decided before the migration turned around
 * and is refused, also after a restart. One small file per migration, replaced atomically.
 */
public final class CommandEpochs {
    private final Path dir;

    CommandEpochs(Path dir) {
        this.dir = dir;
    }

    /** The highest epoch seen for the migration (0 when none). */
    public long seen(String migrationId) {
        Path file = file(migrationId);
        try {
            return Files.isRegularFile(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records {@code epoch} if it is higher than what was seen; written before the command is carried out. */
    public void raise(String migrationId, long epoch) {
        if (epoch <= seen(migrationId)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "epoch", ".tmp");
            Files.writeString(tmp, Long.toString(epoch));
            Files.move(tmp, file(migrationId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String migrationId) {
        return dir.resolve(Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))));
    }
}
