package io.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo scripts' pattern (scripts/demo.sh: a service in the background, an INT/TERM trap that exits,
 * an EXIT trap that cleans up, then {@code pause 3600} from scripts/lib.sh) stops at once when signalled,
 * where a foreground {@code sleep 3600} held the trap back until the sleep ended. TERM stands for Ctrl-C:
 * the same trap handles both, and a job started in the background (as a build may be) ignores SIGINT.
 */
class DemoScriptInterruptTest {
    private static final Path LIB = Path.of("../scripts/lib.sh");
    @TempDir
    Path tmp;

    @Test
    void aSignalledDemoStopsDuringItsPauseAndCleansUp() throws Exception {
        Path script = tmp.resolve("demo-like.sh");
        Files.writeString(script, """
                set -euo pipefail
                source "$1"
                pids=()
                cleanup() { set +e; stop_pause; for p in "${pids[@]}"; do kill "$p"; done; echo cleaned up; }
                trap cleanup EXIT
                trap 'exit 130' INT TERM
                sleep 300 & pids+=($!) # a service
                echo keeps running
                while true; do pause 3600; done
                """);
        Path log = tmp.resolve("demo.log"); // a file, not a pipe: destroy() closes the process's pipes
        Process demo = new ProcessBuilder("bash", script.toString(), LIB.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> started = new java.util.ArrayList<>();
        try {
            assertThat(within(Duration.ofSeconds(10), () -> read(log).equals("keeps running\n")
                    && demo.descendants().count() == 2)).as("running, with its service and its pause").isTrue();
            started.addAll(demo.descendants().toList());

            long signalled = System.nanoTime();
            demo.destroy(); // SIGTERM

            assertThat(demo.waitFor(5, TimeUnit.SECONDS)).as("exits within 5 s of the signal").isTrue();
            System.out.printf("exited %d ms after SIGTERM%n", (System.nanoTime() - signalled) / 1_000_000);
            assertThat(demo.exitValue()).isEqualTo(130);
            assertThat(read(log)).isEqualTo("keeps running\ncleaned up\n");
            within(Duration.ofSeconds(5), () -> started.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(started).as("what the script started").noneMatch(ProcessHandle::isAlive);
        } finally { // also when it failed: nothing of the test stays running
            started.forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean within(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
