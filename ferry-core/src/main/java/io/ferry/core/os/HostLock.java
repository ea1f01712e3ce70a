package io.ferry.core.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes changes to one host's state across threads (a JVM lock) and across processes (a file
 * lock), so two {@code ferry} commands cannot both take the same container name.
 */
public final class HostLock {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path lockFile;

    public HostLock(Path root) {
        this.lockFile = root.resolve("lock");
    }

    public Held acquire() {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        jvmLock.lock();
        if (jvmLock.getHoldCount() > 1) {
            return jvmLock::unlock; // re-entered in this thread: the file lock is already ours
        }
        try {
            Files.createDirectories(lockFile.getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return () -> {
                try (channel) {
                    fileLock.release();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                } finally {
                    jvmLock.unlock();
                }
            };
        } catch (IOException e) {
            jvmLock.unlock();
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    /** A held lock; close to release. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
