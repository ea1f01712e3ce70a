package io.ferry.core.runtime;

import io.ferry.core.criu.Criu;
import io.ferry.core.criu.CriuLogs;
import io.ferry.core.criu.Executables;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.CommandTimeoutException;
import io.ferry.core.exec.Commands;
import io.ferry.core.exec.Memoized;
import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@link OciRuntime} over the runc binary, with one runc state directory per Ferry host. */
public final class RuncRuntime implements OciRuntime {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private final Path runc;
    private final Path stateDir;
    private final Supplier<Criu> criu; // discovered on first checkpoint/restore: run and ps do not need it
    private final Supplier<String> version; // asked for by checkpoints and heartbeats only: not every command runs runc --version

    public RuncRuntime(Path runc, Path stateDir, Supplier<Criu> criu) {
        this.runc = runc;
        this.stateDir = stateDir;
        this.criu = criu;
        this.version = Memoized.of(() -> readVersion(runc));
    }

    /** The configured runc (FERRY_RUNC), else runc on PATH. */
    public static Path locate(Path configured) {
        if (configured != null) {
            return configured;
        }
        return Executables.onPath("runc").orElseThrow(() -> new ToolFailedException(
                "runc not found: run scripts/install-host.sh", List.of()));
    }

    public static String readVersion(Path runc) {
        String out = Commands.check("runc --version", List.of(runc.toString(), "--version"), QUICK).stdout();
        String first = out.lines().findFirst().orElse("");
        return first.replaceFirst("^runc version\\s*", "").strip();
    }

    @Override
    public String name() {
        return "runc";
    }

    @Override
    public String version() {
        return version.get();
    }

    /** runc's global flags: our state dir and a per-call log of runc's own errors. */
    private List<String> runc(Path runcLog, String... args) {
        List<String> cmd = new ArrayList<>(List.of(runc.toString(), "--root", stateDir.toString()));
        if (runcLog != null) {
            cmd.addAll(List.of("--log", runcLog.toString(), "--log-format", "text"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void run(String id, Path bundle, Path logFile, Duration timeout) {
        Path runcLog = bundle.resolve("runc.log");
        int code = LogShim.launch("starting container " + id, runc(runcLog, "run", "-d", "--bundle", bundle.toString(), id),
                Map.of(), logFile, timeout);
        if (code != 0) {
            throw new ToolFailedException("runc could not start container " + id, runcErrors(runcLog));
        }
    }

    @Override
    public RuntimeState state(String id) {
        CommandResult r = Commands.run(runc(null, "state", id), QUICK);
        if (!r.ok()) {
            return RuntimeState.MISSING;
        }
        JsonNode node = Json.MAPPER.readTree(r.stdout());
        return new RuntimeState(node.path("status").asString("unknown"), node.path("pid").asLong(0));
    }

    @Override
    public Map<String, RuntimeState> states() {
        CommandResult r = Commands.check("runc list", runc(null, "list", "--format", "json"), QUICK);
        Map<String, RuntimeState> states = new HashMap<>();
        // "null" when it holds none
        Json.MAPPER.readTree(r.stdout()).forEach(c -> states.put(c.path("id").asString(),
                new RuntimeState(c.path("status").asString("unknown"), c.path("pid").asLong(0))));
        return states;
    }

    @Override
    public void kill(String id, String signal) {
        Commands.run(runc(null, "kill", id, signal), QUICK); // a container that already ended is fine
    }

    @Override
    public int exec(String id, ExecRequest request, OutputStream out, OutputStream err) {
        Path runcLog;
        try {
            runcLog = Files.createTempFile("ferry-exec-", ".log");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("exec"));
        request.env().forEach(e -> args.addAll(List.of("--env", e)));
        if (request.workDir() != null) {
            args.addAll(List.of("--cwd", request.workDir()));
        }
        if (request.user() != null) {
            args.addAll(List.of("--user", request.user()));
        }
        args.add(id);
        args.addAll(request.command());
        try {
            // foreground, no timeout: the user's command runs as long as it runs (Podman's exec, not -d)
            Process p = new ProcessBuilder(runc(runcLog, args.toArray(String[]::new)))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Thread copyErr = new Thread(() -> copy(p.getErrorStream(), err), "exec-stderr-" + id.substring(0, 12));
            copyErr.start();
            copy(p.getInputStream(), out);
            int code = p.waitFor();
            copyErr.join();
            List<String> runcErrors = runcErrors(runcLog);
            // runc's own failure (its log has error lines) is not the command's exit code
            if (code != 0 && !runcErrors.isEmpty()) {
                throw new ExecFailedException(name(), runcErrors.stream().map(RuncRuntime::unquote).toList());
            }
            return code;
        } catch (IOException e) {
            throw new ToolFailedException("cannot run runc exec for container " + id, List.of(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailedException("interrupted while executing in container " + id, List.of());
        } finally {
            try {
                Files.deleteIfExists(runcLog);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }

    /** runc's text log quotes a message holding spaces: {@code msg="exec failed: ... \"x\" ..."}. */
    static String unquote(String msg) {
        if (msg.length() >= 2 && msg.startsWith("\"") && msg.endsWith("\"")) {
            return msg.substring(1, msg.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return msg;
    }

    private static void copy(java.io.InputStream from, OutputStream to) {
        try (from) {
            byte[] buf = new byte[8192];
            for (int n; (n = from.read(buf)) > 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the reader went away: the command's output has nowhere to go
        }
    }

    @Override
    public void pause(String id) {
        Commands.check("pausing container " + id, runc(null, "pause", id), QUICK);
    }

    @Override
    public void resume(String id) {
        Commands.check("resuming container " + id, runc(null, "resume", id), QUICK);
    }

    @Override
    public void delete(String id) {
        CommandResult r = Commands.run(runc(null, "delete", "--force", id), QUICK);
        if (!r.ok() && state(id) != RuntimeState.MISSING) {
            throw new ToolFailedException("runc could not delete container " + id, r.errorLines());
        }
    }

    @Override
    public void checkpoint(String id, CheckpointRequest request, Duration timeout) {
        List<String> args = new ArrayList<>(List.of("--criu", criu.get().binary().toString(), "checkpoint"));
        if (request.leaveRunning()) {
            args.add("--leave-running");
        }
        if (request.tcpEstablished()) {
            args.add("--tcp-established");
        }
        if (request.fileLocks()) {
            args.add("--file-locks");
        }
        args.addAll(List.of("--image-path", request.imagesDir().toString(),
                "--work-path", request.workDir().toString(), id));
        Path runcLog = request.workDir().resolve("runc.log");
        try {
            CommandResult r = Commands.run(runc(runcLog, args.toArray(String[]::new)), criu.get().environment(), timeout);
            if (!r.ok()) {
                throw new ToolFailedException("checkpointing container " + id + " failed",
                        FileLockHint.explain(failureLines(request.workDir().resolve("dump.log"), runcLog)));
            }
        } catch (CommandTimeoutException e) {
            // CRIU hangs on some task states (e.g. a SIGSTOPped process); it was killed with runc.
            // Thaw the container so it keeps running, and report.
            boolean thawed = Freezer.thaw(request.cgroupsPath());
            List<String> lines = new ArrayList<>(CriuLogs.errorLines(request.workDir().resolve("dump.log")));
            lines.add(thawed ? "the container was thawed and keeps running" : "could not thaw the container's cgroup");
            throw new ToolFailedException("checkpointing container " + id + " did not finish within "
                    + timeout.toSeconds() + "s; CRIU was killed", lines);
        }
    }

    @Override
    public LazyCheckpoint checkpointLazily(String id, CheckpointRequest request, String address, int port,
                                           Duration timeout) {
        List<String> args = new ArrayList<>(List.of("--criu", criu.get().binary().toString(), "checkpoint",
                "--lazy-pages", "--page-server", address + ":" + port, "--status-fd", "1",
                // the container is paused first: CRIU leaves it frozen, not dead, when the serving ends, so
                // the source copy outlives a target that hung up early (which CRIU counts as success)
                "--leave-running"));
        if (request.tcpEstablished()) {
            args.add("--tcp-established");
        }
        args.addAll(List.of("--image-path", request.imagesDir().toString(),
                "--work-path", request.workDir().toString(), id));
        return LazyCheckpoint.start(id, runc(request.workDir().resolve("runc.log"), args.toArray(String[]::new)),
                criu.get().environment(), request.workDir(), address, port, timeout);
    }

    @Override
    public void restore(String id, Path bundle, RestoreRequest request, Path logFile, Duration timeout) {
        List<String> args = new ArrayList<>(List.of("--criu", criu.get().binary().toString(), "restore", "-d"));
        if (request.tcpEstablished()) {
            args.add("--tcp-established");
        }
        if (request.lazyPages()) {
            args.add("--lazy-pages");
        }
        if (request.fileLocks()) {
            args.add("--file-locks");
        }
        args.addAll(List.of("--image-path", request.imagesDir().toString(),
                "--work-path", request.workDir().toString(), "--bundle", bundle.toString(), id));
        Path runcLog = request.workDir().resolve("runc.log");
        int code = LogShim.launch("restoring container " + id, runc(runcLog, args.toArray(String[]::new)),
                criu.get().environment(), logFile, timeout);
        if (code != 0) {
            throw new ToolFailedException("restoring container " + id + " failed",
                    failureLines(request.workDir().resolve("restore.log"), runcLog));
        }
    }

    /** What a failed CRIU run said: CRIU's error lines, runc's, and where CRIU's whole log is. */
    private static List<String> failureLines(Path criuLog, Path runcLog) {
        List<String> lines = new ArrayList<>(CriuLogs.errorLines(criuLog));
        lines.addAll(runcErrors(runcLog));
        if (Files.exists(criuLog)) {
            lines.add("CRIU log: " + criuLog);
        }
        return lines;
    }

    /** Error lines of runc's own --log file. */
    private static List<String> runcErrors(Path runcLog) {
        try {
            if (!Files.isRegularFile(runcLog)) {
                return List.of();
            }
            return Files.readAllLines(runcLog).stream()
                    .filter(l -> l.contains("level=error") || l.contains("level=fatal"))
                    .map(l -> l.replaceFirst(".*msg=", "")).map(String::strip).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
