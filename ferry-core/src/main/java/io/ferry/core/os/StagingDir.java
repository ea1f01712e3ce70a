package io.ferry.core.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A scratch directory in the host's tmp (a restore's unpacked archive) that says whether it is in use:
 * its owner holds a lock on {@code .in-use} inside it for as long as it works there. The lock dies with
 * its process, so {@link #removeAbandoned} can tell a killed restore's leftovers (tens of MB) from the
 * directory of a restore still running in another process, and removes only the former.
 */
public final class StagingDir implements AutoCloseable {
    private static final String LOCK = ".in-use";
    /**
     * Held in this JVM: never opened again to probe their lock, since closing any channel of a file
     * releases every POSIX lock this process holds on it.
     */
    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;

    private StagingDir(Path dir, FileChannel channel) {
        this.dir = dir;
        this.channel = channel;
    }

    /**
     * Creates {@code parent/<prefix><random>}, locked before it gets its name: a sweep never sees it unlocked
     * (it is made as {@code .<prefix>...}, which no sweep matches, and renamed once locked).
     */
    public static StagingDir create(Path parent, String prefix) {
        Path dir = parent.resolve(prefix + UUID.randomUUID()).toAbsolutePath();
        Path making = parent.resolve("." + dir.getFileName()).toAbsolutePath();
        IN_USE.add(dir);
        FileChannel channel = null;
        try {
            FileTrees.createPrivateDirectories(parent);
            Files.createDirectory(making);
            channel = FileChannel.open(making.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.lock();
            Files.move(making, dir);
            return new StagingDir(dir, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            IN_USE.remove(dir);
            FileTrees.deleteRecursively(making);
            throw new UncheckedIOException("cannot create a staging directory in " + parent, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Where the owner's files go (beside the lock file, never over it). */
    public Path content() {
        return dir.resolve("content");
    }

    /** Removes the directory and releases it. */
    @Override
    public void close() {
        try {
            FileTrees.deleteRecursively(dir);
        } finally {
            closeQuietly(channel);
            IN_USE.remove(dir);
        }
    }

    /** Removes the {@code parent/<prefix>*} directories nobody holds (their process ended); returns them. */
    public static List<Path> removeAbandoned(Path parent, String prefix) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return removed;
        }
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path d : entries.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(Files::isDirectory).map(Path::toAbsolutePath).toList()) {
                if (!IN_USE.contains(d) && !heldElsewhere(d)) {
                    Mounts.unmountBelow(d);
                    FileTrees.deleteRecursively(d);
                    removed.add(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent, e);
        }
        return removed;
    }

    /** Whether another process holds the directory's lock (a directory without a lock file is nobody's). */
    private static boolean heldElsewhere(Path dir) {
        try (FileChannel c = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE)) {
            FileLock probe = c.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return true; // cannot tell: keep it
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing releases the lock anyway
        }
    }
}
