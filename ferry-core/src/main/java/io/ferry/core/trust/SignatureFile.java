package io.ferry.core.trust;

import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.json.Json;
import tools.jackson.core.JacksonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The detached signature of a file export, {@code FILE.sig}: a small JSON document with the
 * statement's fields (target {@code *}, migration {@code -}), the signature and the key's
 * fingerprint. Read back, only the source host is taken from it (whose trusted keys must have
 * signed); the digest is the one computed from the archive itself.
 */
public record SignatureFile(String format, String digest, String migration, String source, String target,
                            String signature, String key) {
    private static final int MAX_BYTES = 16 * 1024;

    public static Path of(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".sig");
    }

    public static SignatureFile of(CheckpointStatement statement, CheckpointSignature signature) {
        return new SignatureFile(CheckpointStatement.VERSION, statement.digest(), statement.migrationId(),
                statement.sourceHost(), statement.targetHost(), signature.signature(), signature.keyFingerprint());
    }

    public CheckpointSignature signatureValue() {
        return new CheckpointSignature(signature, key, migration, target);
    }

    /** Written beside the archive, via a temporary file renamed into place. */
    public void write(Path file) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
        try {
            Files.write(tmp, Json.bytes(this));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the signature " + file, e);
        }
    }

    /** Reads and checks a .sig file: too large, not JSON or another format is refused by name. */
    public static SignatureFile read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(MAX_BYTES + 1);
            if (content.length > MAX_BYTES) {
                throw new UntrustedCheckpointException("the signature " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            SignatureFile s = Json.MAPPER.readValue(content, SignatureFile.class);
            if (s == null || !CheckpointStatement.VERSION.equals(s.format()) || s.source() == null || s.signature() == null) {
                throw new UntrustedCheckpointException("the signature " + file + " is not a " + CheckpointStatement.VERSION
                        + " signature (fields format, digest, migration, source, target, signature, key)");
            }
            return s;
        } catch (JacksonException e) {
            throw new UntrustedCheckpointException("the signature " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signature " + file, e);
        }
    }
}
