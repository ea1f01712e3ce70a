package io.ferry.registry.storage;

import io.ferry.core.oci.Sha256;
import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob content on disk, addressed by digest ({@code blobs/sha256/ab/abcd...}). Content arrives in a
 * temporary file, is verified (sha256 computed while streaming) and only then renamed into place:
 * a blob is never partially visible. Upload sessions append to {@code uploads/<uuid>}.
 */
@Component
public class BlobFiles {
    /**
     * Bytes are gathered until this much is buffered, then hashed and written in one go: Tomcat hands a
     * request body over in socket-sized pieces (8-64 KiB), and a write(2) and digest call per piece cost
     * more than the copy itself. 256 KiB stays in the CPU's cache between hashing and writing.
     */
    static final int BUFFER = 256 << 10;
    /** Buffers in flight per upload: one being hashed, one being read and written, one spare. */
    private static final int RING = 3;

    private final Path blobs;
    private final Path uploads;
    private final Path tmp;
    private final long maxBlobBytes;
    /** Running digests of sessions whose bytes all passed through this process (else recomputed). */
    private final Map<UUID, RunningDigest> running = new ConcurrentHashMap<>();

    private record RunningDigest(MessageDigest digest, long bytes) {
    }

    public BlobFiles(RegistryProperties properties) throws IOException {
        this.blobs = properties.dataDir().resolve("blobs/sha256");
        this.uploads = properties.dataDir().resolve("uploads");
        this.tmp = properties.dataDir().resolve("tmp");
        this.maxBlobBytes = properties.limits().maxBlobSize().toBytes();
        Files.createDirectories(blobs);
        Files.createDirectories(uploads);
        Files.createDirectories(tmp);
    }

    public Path path(String digest) {
        String hex = Sha256.hex(digest);
        return blobs.resolve(hex.substring(0, 2)).resolve(hex);
    }

    public boolean exists(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /** What a finished write produced. */
    public record Stored(String digest, long size) {
    }

    /** Streams {@code in} into a blob whose digest must be {@code expected}; nothing is kept on mismatch. */
    public Stored store(InputStream in, String expected) {
        Path file = tmp.resolve(UUID.randomUUID().toString());
        try {
            MessageDigest md = Sha256.newDigest();
            long size;
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = copy(in, out, md, 0);
            }
            return publishIfMatches(file, Sha256.of(md), expected, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(file);
        }
    }

    // ---- upload sessions ----

    public void createSession(UUID id) {
        try {
            Files.createFile(uploads.resolve(id.toString()));
            running.put(id, new RunningDigest(Sha256.newDigest(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long sessionSize(UUID id) {
        try {
            return Files.size(sessionFile(id));
        } catch (IOException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is unknown");
        }
    }

    /** Appends the stream to the session; returns the new size. */
    public long append(UUID id, InputStream in) {
        Path file = sessionFile(id);
        try {
            long before = Files.size(file);
            RunningDigest rd = running.get(id);
            MessageDigest md = rd != null && rd.bytes() == before ? rd.digest() : null;
            long added;
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.APPEND)) {
                added = copy(in, out, md, before);
            }
            if (md != null) {
                running.put(id, new RunningDigest(md, before + added));
            } else {
                running.remove(id); // bytes from before a restart: the digest is computed from the file at the end
            }
            return before + added;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Verifies the session's content against {@code expected} and moves it into place. */
    public Stored finish(UUID id, String expected) {
        Path file = sessionFile(id);
        try {
            long size = Files.size(file);
            RunningDigest rd = running.remove(id);
            // without the running digest (bytes from before a restart), from the file
            String actual = rd != null && rd.bytes() == size ? Sha256.of(rd.digest()) : Sha256.of(file);
            return publishIfMatches(file, actual, expected, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(file);
        }
    }

    /** Moves a written file into place as blob {@code expected}, if that is the digest of its content. */
    private Stored publishIfMatches(Path file, String actual, String expected, long size) throws IOException {
        if (!actual.equals(expected)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "content digest " + actual
                    + " does not match the given digest " + expected);
        }
        publish(file, actual);
        return new Stored(actual, size);
    }

    /** Cuts a session back to {@code size} bytes (a chunk that arrived short is not kept). */
    public void truncate(UUID id, long size) {
        try (var ch = java.nio.channels.FileChannel.open(sessionFile(id), StandardOpenOption.WRITE)) {
            ch.truncate(size);
            running.remove(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteSession(UUID id) {
        running.remove(id);
        deleteQuietly(uploads.resolve(id.toString()));
    }

    public void delete(String digest) {
        deleteQuietly(path(digest));
    }

    private Path sessionFile(UUID id) {
        Path file = uploads.resolve(id.toString());
        if (!Files.isRegularFile(file)) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is unknown");
        }
        return file;
    }

    private void publish(Path file, String digest) throws IOException {
        Path target = path(digest);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target)) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Copies {@code in} to {@code out}, hashing each byte once on the way (into {@code md} unless null)
     * on another thread while the next buffer is read and written ({@link OverlappedDigest}), and
     * refuses more than the blob limit before writing past it. {@code md} is complete on return,
     * also when this throws.
     */
    private long copy(InputStream in, FileChannel out, MessageDigest md, long already) throws IOException {
        byte[][] ring = new byte[RING][]; // allocated as needed: a small body takes one buffer
        OverlappedDigest digest = md == null ? null : new OverlappedDigest(md, RING);
        long total = 0;
        try {
            for (int slot = 0; ; slot = (slot + 1) % RING) {
                if (digest != null) {
                    digest.hashed(slot);
                }
                byte[] buf = ring[slot] == null ? ring[slot] = new byte[BUFFER] : ring[slot];
                int n = in.readNBytes(buf, 0, buf.length);
                if (n <= 0) {
                    return total;
                }
                total += n;
                if (already + total > maxBlobBytes) {
                    throw new RegistryException(ErrorCode.SIZE_INVALID, org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
                            "blob exceeds the limit of " + maxBlobBytes + " bytes", null);
                }
                if (digest != null) {
                    digest.update(slot, buf, n);
                }
                ByteBuffer view = ByteBuffer.wrap(buf, 0, n);
                while (view.hasRemaining()) {
                    out.write(view);
                }
            }
        } finally {
            if (digest != null) {
                digest.drain();
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is collected with the next cleanup
        }
    }
}
