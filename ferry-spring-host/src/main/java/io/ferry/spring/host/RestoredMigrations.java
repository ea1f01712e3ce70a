package io.ferry.spring.host;

import io.ferry.core.oci.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The migrations this host has restored a copy for, with the copy's container id, on disk beside
 * {@link ProcessedCommands}. The container record alone cannot say it: a later migration that moves the
 * container on removes it, and a RestoreCommand of the earlier migration still queued (a redelivery, a
 * timeout's second ask) would then restore the old archive again, a second running copy.
 */
public final class RestoredMigrations {
    private final Path dir;

    RestoredMigrations(Path dir) {
        this.dir = dir;
    }

    /** The container this host restored for the migration, if it ever did. */
    public Optional<String> containerOf(String migrationId) {
        Path file = file(migrationId);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written once the copy runs and before anyone is told (replaced atomically). */
    public void record(String migrationId, String containerId) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "restored", ".tmp");
            Files.writeString(tmp, containerId);
            Files.move(tmp, file(migrationId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String migrationId) {
        return dir.resolve(Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))));
    }
}
