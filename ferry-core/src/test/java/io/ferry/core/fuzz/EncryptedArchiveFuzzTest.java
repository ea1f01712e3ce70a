package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;
import io.ferry.core.os.FileTrees;
import io.ferry.core.trust.HostKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An encrypted archive from a registry or another host, read by the decrypting reader: whatever the
 * bytes, it either yields plaintext or refuses with Ferry's typed error (or an IOException of the
 * stream), never another exception, and never allocates what a header field claims (the fuzz runs
 * with a small heap). The seeds are archives encrypted with {@link #KEY} in 4 KiB chunks, so
 * mutations reach the chunk loop, not just the header check; the file-export path parses the
 * recipients block of the header as well.
 */
class EncryptedArchiveFuzzTest {
    /** A fixed key, so the committed seeds decrypt (bytes 0, 1, ... 31). */
    static final ArchiveKey KEY = new ArchiveKey(sequence());
    private static final HostKeys HOST = hostKeys();

    private static byte[] sequence() {
        byte[] b = new byte[ArchiveKey.LENGTH];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static HostKeys hostKeys() {
        try {
            Path dir = Files.createTempDirectory("ferry-fuzz-keys");
            HostKeys keys = HostKeys.loadOrCreate(new Host("fuzz", dir));
            FileTrees.deleteRecursively(dir);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void decryptingReaderRefusesWithTypedErrorsOnly(byte[] archive) {
        try (InputStream in = EncryptedArchives.decrypt(new ByteArrayInputStream(archive), KEY)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (FerryException | IOException refused) {
            // typed
        }
        try (InputStream in = EncryptedArchives.decryptFor(new ByteArrayInputStream(archive), HOST, "fuzz")) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (FerryException | IOException refused) {
            // typed: not a recipient, malformed recipients, not authentic
        }
    }
}
