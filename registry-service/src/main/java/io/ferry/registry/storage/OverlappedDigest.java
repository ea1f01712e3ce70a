package io.ferry.registry.storage;

import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A digest fed on another thread, so that hashing a buffer overlaps reading and writing the next one:
 * SHA-256 is the largest cost of an upload (about 0.7 s per GiB here) and the socket read and file
 * write the rest, on different cores they take the longer of the two instead of the sum. Buffers are
 * hashed in the order given, each exactly once; {@link #hashed(int)} says when a buffer may be reused.
 */
final class OverlappedDigest {
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-blob-digest");
        t.setDaemon(true);
        return t;
    });

    private final MessageDigest md;
    private final CompletableFuture<?>[] pending;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    /** {@code slots}: how many buffers may be in flight, each named by its slot number. */
    OverlappedDigest(MessageDigest md, int slots) {
        this.md = md;
        this.pending = new CompletableFuture<?>[slots];
    }

    /** Queues {@code b[0..n)} of slot {@code slot}; the buffer must not change until {@link #hashed(int)}. */
    void update(int slot, byte[] b, int n) {
        tail = tail.thenRunAsync(() -> md.update(b, 0, n), HASHERS);
        pending[slot] = tail;
    }

    /** Waits until the buffer of {@code slot} is hashed. */
    void hashed(int slot) {
        if (pending[slot] != null) {
            pending[slot].join();
            pending[slot] = null;
        }
    }

    /** Waits until every queued buffer is hashed: the digest is then complete (also before an error is passed on). */
    void drain() {
        tail.join();
    }
}
