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
 * One small text file per migration in a directory of a host service's state (named by the sha256 of the
 * migration id, which is free text), replaced atomically: what the service must still know after a crash.
 */
final class MigrationFiles {
    private final Path dir;

    MigrationFiles(Path dir) {
        this.dir = dir;
    }

    Optional<String> read(String migrationId) {
        Path file = file(migrationId);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(String migrationId, String content) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "migration", ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, file(migrationId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String migrationId) {
        return dir.resolve(Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))));
    }
}
