package io.ferry.core.criu;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.CommandTimeoutException;
import io.ferry.core.exec.Commands;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostFacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Dumps a throw-away {@code sleep} with CRIU to learn whether this machine's hardware breakpoints
 * work. Where they do not, CRIU can hang at "Waiting for PID to trap"; then a second dump with
 * {@code CRIU_FAULT=130} (CRIU's no-breakpoints switch) tells whether that workaround is needed.
 * The verdict is cached per boot (in /run) keyed by CRIU binary, version and kernel.
 */
public final class CriuSelfTest {
    public static final Path CACHE_DIR = Path.of("/run/ferry");
    private static final Duration DUMP_TIMEOUT = Duration.ofSeconds(20);

    /** The verdict; {@code error} is null when a dump worked. */
    public record Result(String binary, String version, String kernel, boolean dumpWorks,
                         boolean breakpointsWork, boolean faultNeeded, List<String> error) {
    }

    private CriuSelfTest() {
    }

    /** The CRIU to use, with CRIU_FAULT set only when the self-test found it necessary. */
    public static Criu discover(Path configured) {
        Path binary = Criu.locate(configured);
        String version = Criu.readVersion(binary);
        Result r = cachedOrRun(binary, version);
        return new Criu(binary, version, r.faultNeeded() ? Map.of("CRIU_FAULT", "130") : Map.of());
    }

    public static Result cachedOrRun(Path binary, String version) {
        String kernel = HostFacts.kernel();
        Path cache = CACHE_DIR.resolve("criu-selftest.json");
        if (Files.isRegularFile(cache)) {
            try {
                Result cached = Json.read(cache, Result.class);
                if (cached.binary().equals(binary.toString()) && cached.version().equals(version)
                        && cached.kernel().equals(kernel) && cached.dumpWorks()) {
                    return cached;
                }
            } catch (RuntimeException ignored) {
                // unreadable cache: run the test again
            }
        }
        Result r = run(binary, version, kernel);
        if (r.dumpWorks()) {
            try {
                Files.createDirectories(CACHE_DIR);
                Json.write(cache, r);
            } catch (IOException | UncheckedIOException ignored) {
                // caching is an optimisation only
            }
        }
        return r;
    }

    public static Result run(Path binary, String version, String kernel) {
        Process victim = null;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ferry-criu-selftest");
            // its own session, so CRIU can dump it without --shell-job
            victim = new ProcessBuilder("setsid", "sleep", "300")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(100);
            List<String> dump = List.of(binary.toString(), "dump", "-t", Long.toString(victim.pid()),
                    "-D", dir.toString(), "-W", dir.toString(), "-o", "dump.log", "-v4", "--leave-running");
            try {
                CommandResult first = Commands.run(dump, DUMP_TIMEOUT);
                String log = readLog(dir.resolve("dump.log"));
                boolean breakpoints = !log.contains("Hardware breakpoints don't seem to work");
                return first.ok()
                        ? new Result(binary.toString(), version, kernel, true, breakpoints, false, null)
                        : new Result(binary.toString(), version, kernel, false, breakpoints, false,
                        CriuLogs.errorLines(log));
            } catch (CommandTimeoutException hang) {
                clean(dir);
                Files.createDirectories(dir);
                CommandResult second = Commands.run(dump, Map.of("CRIU_FAULT", "130"), DUMP_TIMEOUT);
                return new Result(binary.toString(), version, kernel, second.ok(), false, second.ok(),
                        second.ok() ? null : CriuLogs.errorLines(readLog(dir.resolve("dump.log"))));
            }
        } catch (IOException e) {
            return new Result(binary.toString(), version, kernel, false, false, false, List.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(binary.toString(), version, kernel, false, false, false, List.of("interrupted"));
        } catch (RuntimeException e) {
            return new Result(binary.toString(), version, kernel, false, false, false, List.of(String.valueOf(e.getMessage())));
        } finally {
            if (victim != null) {
                victim.destroyForcibly();
            }
            clean(dir);
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void clean(Path dir) {
        if (dir != null) {
            FileTrees.deleteRecursively(dir);
        }
    }
}
