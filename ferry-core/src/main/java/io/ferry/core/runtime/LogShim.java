package io.ferry.core.runtime;

import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.Commands;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code runc run -d} / {@code runc restore -d} under a tiny shell shim in its own session (like
 * Podman's conmon): the runtime's stdout and stderr, and so the container's, are a pipe into
 * {@code cat >> ctr.log}. The shim outlives the JVM; the runtime's exit code comes back in a file.
 *
 * <p>{@code setsid --fork} makes the shim a grandchild: the JVM's own child exits at once, so no JDK
 * thread stays blocked in waitpid on it. Such a thread would hold up the JVM's exit by 0.3 s.
 */
final class LogShim {
    private static final String SCRIPT = """
            exit_file=$1; log=$2; shift 2
            echo $$ > "$exit_file.pid"
            ( "$@" </dev/null; echo $? > "$exit_file.tmp" && mv "$exit_file.tmp" "$exit_file" ) 2>&1 | cat >> "$log"
            """;

    private LogShim() {
    }

    /** Launches the command under the shim and waits for the runtime (not the container) to exit. */
    static int launch(String what, List<String> command, Map<String, String> env, Path logFile, Duration timeout) {
        Path exitFile = logFile.resolveSibling(logFile.getFileName() + ".runtime-exit");
        Path pidFile = exitFile.resolveSibling(exitFile.getFileName() + ".pid");
        Path shimOut = logFile.resolveSibling("shim.out");
        List<String> argv = new ArrayList<>(List.of("setsid", "--fork", "/bin/sh", "-c", SCRIPT, "ferry-shim",
                exitFile.toString(), logFile.toString()));
        argv.addAll(command);
        try {
            Files.deleteIfExists(exitFile);
            Files.deleteIfExists(pidFile);
            Files.createDirectories(logFile.getParent());
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
            }
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(shimOut.toFile()))
                    .redirectErrorStream(true);
            pb.environment().putAll(env);
            if (pb.start().waitFor() != 0) {
                throw new ToolFailedException("cannot start the log shim for " + what, tail(shimOut));
            }
        } catch (IOException e) {
            throw new ToolFailedException("cannot start the log shim for " + what, List.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailedException("interrupted while starting " + what, List.of());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (Files.exists(exitFile)) {
                    String code = Files.readString(exitFile).strip();
                    Files.deleteIfExists(exitFile);
                    Files.deleteIfExists(pidFile);
                    return Integer.parseInt(code);
                }
                if (shimGone(pidFile) && !Files.exists(exitFile)) {
                    throw new ToolFailedException(command.get(0) + " ended without reporting an exit code",
                            tail(shimOut));
                }
                Thread.sleep(10);
            }
        } catch (IOException | NumberFormatException e) {
            throw new ToolFailedException("cannot read the exit code of " + command.get(0), List.of(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shim(pidFile).ifPresent(Commands::killTree);
        throw new ToolFailedException(what + " did not finish within " + timeout.toSeconds() + "s; "
                + command.get(0) + " was killed", List.of());
    }

    /** The shim's process, once it has written its pid and while it runs. */
    private static Optional<ProcessHandle> shim(Path pidFile) {
        return shimPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    }

    /** True when the shim wrote its pid and is no longer running. */
    private static boolean shimGone(Path pidFile) {
        return shimPid(pidFile).isPresent() && shim(pidFile).isEmpty();
    }

    private static Optional<Long> shimPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // not written (completely) yet
        }
    }

    private static List<String> tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.subList(Math.max(0, lines.size() - 5), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
