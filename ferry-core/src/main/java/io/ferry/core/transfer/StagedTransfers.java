package io.ferry.core.transfer;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.error.FerryException;
import io.ferry.core.exec.Commands;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;
import io.ferry.core.os.Failpoints;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.Mounts;
import io.ferry.core.tar.ArchiveLimits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where direct transfers land on a target host: {@code <tmp>/transfers/<name of the migration>/},
 * holding {@code content/} (the archive unpacked as it arrives: hashed, decrypted, decompressed and
 * extracted in one pass; a tmpfs of its own when it fits in memory) and, once the stream ended whole,
 * {@code staged.json} ({@link StagedTransfer}). Nothing here is trusted: a restore checks the digest
 * and the source's signature first. A directory without {@code staged.json} that no transfer of this
 * process writes is a killed transfer's leftover: {@link #sweep} removes it, and stale complete ones.
 */
public final class StagedTransfers {
    private static final String MARKER = "staged.json";
    /** Beyond the announced size: the small image files each take a page or more in a tmpfs. */
    private static final long TMPFS_MARGIN = 64L << 20;
    private final Path root;
    private final ArchiveLimits limits;
    private final Set<String> receiving = ConcurrentHashMap.newKeySet();
    /** Memory promised to the tmpfs of transfers still being received (MemAvailable does not show them yet). */
    private long reservedMemory;

    public StagedTransfers(Path root, ArchiveLimits limits) {
        this.root = root.toAbsolutePath();
        this.limits = limits;
    }

    /** What a source announces with its stream. */
    public record Announced(long expandedBytes, String compression, String wrappedKey) {
    }

    /**
     * Receives and unpacks one migration's archive stream.
     *
     * @param key         the migration's key (opened from {@code announced.wrappedKey}), or null for a plaintext stream
     * @param memoryBound the most this transfer may keep in memory (0: disk only)
     * @throws TransferRefusedException 409 for a second stream of one migration, 413 beyond the limits
     */
    public StagedTransfer receive(TransferStatement from, InputStream body, Announced announced, ArchiveKey key,
                                  long memoryBound) {
        String migrationId = from.migrationId();
        if (announced.expandedBytes() > limits.maxTotalBytes()) {
            throw tooLarge(announced.expandedBytes());
        }
        if (!receiving.add(migrationId)) {
            throw new TransferRefusedException(409, "Transfer under way", "a transfer of migration " + migrationId
                    + " is already being received");
        }
        Path dir = dirOf(migrationId);
        long tmpfs = 0;
        try {
            if (Files.exists(dir)) {
                throw new TransferRefusedException(409, "Transfer already staged", "migration " + migrationId
                        + " has a transfer staged here already: a migration is transferred once");
            }
            FileTrees.createPrivateDirectories(dir);
            Path content = dir.resolve("content");
            Files.createDirectory(content);
            tmpfs = reserveMemory(announced.expandedBytes(), memoryBound);
            boolean memory = tmpfs > 0 && mountTmpfs(content, tmpfs);
            if (!memory) {
                releaseMemory(tmpfs);
                tmpfs = 0;
            }
            // a tmpfs is bounded by its size; the free-space reserve is for disks shared with everything else
            ArchiveLimits extractLimits = memory ? limits.withMinFreeBytes(0) : limits;
            MessageDigest sha = Sha256.newDigest();
            CountingDigest counted = new CountingDigest(body, sha, limits.maxTotalBytes());
            try {
                InputStream in = key == null ? counted : EncryptedArchives.decrypt(counted, key);
                ExtractedCheckpoint.extract(in, content, extractLimits);
            } catch (RuntimeException | IOException e) {
                if (counted.exceeded) {
                    throw tooLarge(counted.count);
                }
                throw e instanceof IOException io ? new UncheckedIOException("receiving the transfer failed: "
                        + io.getMessage(), io) : (RuntimeException) e;
            }
            Failpoints.reach("transfer.before-staged"); // unpacked, not yet recorded as staged
            StagedTransfer staged = new StagedTransfer(migrationId, from.sourceHost(), Sha256.of(sha), counted.count,
                    memory ? "memory" : "disk", announced.compression(), announced.wrappedKey(), Instant.now(),
                    from.pageServer()); // post-copy: the page server its source signed, the only one its restore may use
            Json.write(dir.resolve(MARKER), staged);
            return staged;
        } catch (IOException e) {
            delete(dir);
            throw new UncheckedIOException("cannot stage the transfer of " + migrationId + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (!(e instanceof TransferRefusedException r && r.status() == 409)) {
                delete(dir);
            }
            throw e;
        } finally {
            releaseMemory(tmpfs); // staged (MemAvailable shows its pages now) or removed
            receiving.remove(migrationId);
        }
    }

    /**
     * The size of this transfer's tmpfs, taken from the memory bound shared by every transfer under way (the
     * bound is read from MemAvailable, which does not show what their tmpfs will hold): 0 when it does not fit.
     * The tmpfs is as large as the announced size and a margin (page-rounded small files), not the whole bound,
     * so a source cannot take more than it reserved.
     */
    private synchronized long reserveMemory(long announced, long memoryBound) {
        if (announced <= 0) {
            return 0;
        }
        long size = announced + announced / 16 + TMPFS_MARGIN;
        if (!TransferMemory.fits(size, memoryBound - reservedMemory)) {
            return 0;
        }
        reservedMemory += size;
        return size;
    }

    private synchronized void releaseMemory(long size) {
        reservedMemory -= size;
    }

    /** The staged transfer of a migration, complete, if there is one. */
    public Optional<StagedTransfer> find(String migrationId) {
        Path marker = dirOf(migrationId).resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(marker, StagedTransfer.class));
    }

    /** The unpacked archive of a staged transfer (untrusted until its digest and signature are checked). */
    public ExtractedCheckpoint open(String migrationId) {
        return ExtractedCheckpoint.open(dirOf(migrationId).resolve("content"), limits);
    }

    /** Removes what a migration staged here; true when there was something. */
    public boolean remove(String migrationId) {
        Path dir = dirOf(migrationId);
        if (!Files.exists(dir)) {
            return false;
        }
        delete(dir);
        return true;
    }

    /**
     * Removes transfers cut off before they ended (no transfer of this process is writing them) and
     * complete ones older than {@code maxAge} that no restore took; returns what it removed.
     */
    public List<String> sweep(Duration maxAge) {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        Set<Path> busy = ConcurrentHashMap.newKeySet();
        receiving.forEach(m -> busy.add(dirOf(m)));
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                if (busy.contains(d)) {
                    continue;
                }
                Path marker = d.resolve(MARKER);
                boolean complete = Files.isRegularFile(marker);
                if (!complete || Files.getLastModifiedTime(marker).toInstant().plus(maxAge).isBefore(Instant.now())) {
                    delete(d);
                    removed.add(d.getFileName() + (complete ? " (stale)" : " (cut off)"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sweep " + root, e);
        }
        return removed;
    }

    /** Every directory under the staging root (for tests and the sweep's report). */
    public List<Path> all() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path dirOf(String migrationId) {
        // the id is checked by the statement; hashed all the same, so no id can name a path
        return root.resolve("m-" + Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))).substring(0, 32));
    }

    /** A tmpfs of its own (bounded, owner-only); false when it cannot be mounted (then the disk is used). */
    private static boolean mountTmpfs(Path dir, long size) {
        return Commands.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "ferry-transfer",
                dir.toString()), Duration.ofSeconds(30)).ok();
    }

    private static void delete(Path dir) {
        try {
            Mounts.unmountBelow(dir);
        } catch (RuntimeException e) {
            throw new FerryException("cannot unmount the staging of " + dir + ": " + e.getMessage(), e);
        }
        FileTrees.deleteRecursively(dir);
    }

    private TransferRefusedException tooLarge(long bytes) {
        return new TransferRefusedException(413, "Transfer too large", "the transfer (" + bytes + " bytes) is larger"
                + " than this host takes (" + limits.maxTotalBytes() + " bytes, ferry.host.max-archive-bytes)");
    }

    /** Hashes and counts the raw bytes as they pass; stops at {@code max}. */
    private static final class CountingDigest extends FilterInputStream {
        private static final long MID_STREAM = 1 << 20;
        private final MessageDigest sha;
        private final long max;
        private long count;
        private boolean exceeded;

        CountingDigest(InputStream in, MessageDigest sha, long max) {
            super(in);
            this.sha = sha;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (count < MID_STREAM && count + n >= MID_STREAM) {
                    Failpoints.reach("transfer.mid-stream");
                }
                count += n;
                if (count > max) {
                    exceeded = true;
                    throw new IOException("more than " + max + " bytes");
                }
                sha.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return super.skip(0); // every byte must be hashed: no skipping past any
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
