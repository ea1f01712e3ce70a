package io.ferry.core.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The chaos suite's handles on a service: SIGSTOP/SIGCONT, kill -9 and a restart with the same argv and env. */
class ServiceProcessTest {
    @TempDir
    Path dir;

    @Test
    void pausesResumesKillsAndRestartsWithTheSameArgvAndEnv() throws IOException {
        Path log = dir.resolve("svc.log");
        ServiceProcess p = ServiceProcess.launch("svc", List.of("sh", "-c", "echo start $CHAOS_X; exec sleep 60"),
                Map.of("CHAOS_X", "a"), log, 0);
        try {
            until(10, () -> Files.readString(log).contains("start a"));
            p.pause();
            until(5, () -> state(p.pid()).equals("T"));
            p.resume();
            until(5, () -> !state(p.pid()).equals("T"));

            long first = p.pid();
            p.kill();
            assertThat(p.alive()).isFalse();
            p.restartWith(Map.of("CHAOS_X", "b")); // one life with a different env (a failpoint)
            until(10, () -> Files.readString(log).contains("start b"));
            assertThat(p.pid()).isNotEqualTo(first);

            p.restart(); // the plain env again, the log appended
            until(10, () -> Files.readString(log).lines().filter("start a"::equals).count() == 2);
        } finally {
            p.pause();
            p.close(); // SIGCONT first: a stopped process would not act on SIGTERM
        }
        assertThat(p.alive()).isFalse();
    }

    interface Check {
        boolean ok() throws IOException;
    }

    private static void until(int seconds, Check check) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("waited %d s", seconds).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String state(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("State:"))
                .map(l -> l.substring("State:".length()).strip().substring(0, 1)).findFirst().orElse("?");
    }
}
