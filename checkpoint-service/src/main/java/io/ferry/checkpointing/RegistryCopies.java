package io.ferry.checkpointing;

import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Issue 11: the registry copies of direct migrations this host still owes, one JSON file per migration in
 * {@code <host root>/registry-copies/}. Written when a direct checkpoint completes (the stopped copy keeps
 * its images for it), removed when the copy is stored, failed for good, or no longer needed (a rollback).
 * A file left by a killed service is what its next start finishes, or drops when the images are gone.
 */
final class RegistryCopies {
    /** What a pending copy needs: where it goes, signed for whom, and the migration's epoch for its report. */
    record Pending(String migrationId, String container, String archive, String targetHost, long epoch,
                   boolean finalized) {
        Pending finalizedNow() {
            return new Pending(migrationId, container, archive, targetHost, epoch, true);
        }
    }

    private final Path dir;

    RegistryCopies(Path dir) {
        this.dir = dir;
    }

    void record(Pending p) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".copy", ".tmp");
            Files.write(tmp, Json.bytes(p));
            Files.move(tmp, file(p.migrationId()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Pending> find(String migrationId) {
        Path f = file(migrationId);
        return Files.isRegularFile(f) ? Optional.of(Json.read(f, Pending.class)) : Optional.empty();
    }

    void remove(String migrationId) {
        try {
            Files.deleteIfExists(file(migrationId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Pending> all() {
        List<Pending> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                out.add(Json.read(f, Pending.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Path file(String migrationId) {
        return dir.resolve(Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))) + ".json");
    }
}
