package io.ferry.core.exec;

import io.ferry.core.error.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The one way Ferry runs runc, CRIU and ip: captures output, applies a timeout (killing the whole
 * process tree, since runc leaves CRIU as its child), and turns failure into an exception carrying
 * the tool's own error lines.
 */
public final class Commands {
    /** Output is drained on threads of our own: the common pool may have a single thread on 2 cores. */
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-exec-drain");
        t.setDaemon(true);
        return t;
    });

    private Commands() {
    }

    public static CommandResult run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    public static CommandResult run(List<String> command, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ToolFailedException("cannot run " + command.get(0), List.of(e.getMessage()));
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                process.waitFor(5, TimeUnit.SECONDS);
                throw new CommandTimeoutException(command, timeout, join(err));
            }
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new ToolFailedException("interrupted while running " + String.join(" ", command), List.of());
        }
        return new CommandResult(command, process.exitValue(), join(out), join(err));
    }

    /** Runs the command and throws with its error lines unless it exits 0. */
    public static CommandResult check(String what, List<String> command, Map<String, String> env, Duration timeout) {
        CommandResult result = run(command, env, timeout);
        if (!result.ok()) {
            throw new ToolFailedException(what + " failed (" + command.get(0) + " exit " + result.exitCode() + ")",
                    result.errorLines());
        }
        return result;
    }

    public static CommandResult check(String what, List<String> command, Duration timeout) {
        return check(what, command, Map.of(), timeout);
    }

    /** Kills the descendants first, so a child such as CRIU cannot outlive its runc. */
    public static void killTree(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, DRAINERS);
    }

    private static String join(CompletableFuture<String> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "";
        }
    }
}
