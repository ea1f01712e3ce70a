package io.ferry.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short command (ip, runc, the project's scripts) and returns its output; the suite's only shell. */
public final class Sh {
    public record Result(int code, String out) {
        public boolean ok() {
            return code == 0;
        }
    }

    private Sh() {
    }

    public static Result run(Path dir, Map<String, String> env, String stdin, List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Result run(String... cmd) {
        return run(null, Map.of(), null, List.of(cmd));
    }

    /** Runs it and fails with its output when it fails. */
    public static String check(Path dir, Map<String, String> env, String stdin, List<String> cmd) {
        Result r = run(dir, env, stdin, cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.out().strip());
        }
        return r.out();
    }

    public static String check(String... cmd) {
        return check(null, Map.of(), null, List.of(cmd));
    }
}
