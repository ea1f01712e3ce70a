package io.ferry.bench.compare;

import io.ferry.core.exec.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WorkloadTest {

    @Test
    void sizesParseAndBigOnesGetFewerRounds() {
        assertThat(Workload.parse("looper").label()).isEqualTo("looper");
        assertThat(Workload.parse("256m")).isEqualTo(new Workload("256m", "256 MiB", 256L << 20));
        assertThat(Workload.parse("4G").bytes()).isEqualTo(4L << 30);
        assertThat(Workload.parse("256m").big()).isFalse();
        assertThat(Workload.parse("1g").big()).isTrue();
        assertThatThrownBy(() -> Workload.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void memoryIsHeldInVariablesOfAtMost256MiB() {
        String script = Workload.parse("1g").script();
        assertThat(script).contains("x3=$(head -c 201326592 ").doesNotContain("x4=");
        assertThat(script).contains("printf %s \"$x0\" \"$x1\" \"$x2\" \"$x3\" | sha256sum");
    }

    /** The script itself, run by the host's busybox (no container): the checksum on USR1 is the start one. */
    @Test
    void theScriptAnswersUsr1WithTheSameChecksum(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox (scripts/install-host.sh)");
        Path out = dir.resolve("out");
        Process p = new ProcessBuilder("/bin/busybox", "sh", "-c", Workload.parse("2m").script())
                .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            MemoryProbe.Target t = new MemoryProbe.Target() {
                @Override
                public List<String> lines() {
                    try {
                        return Files.readAllLines(out);
                    } catch (IOException e) {
                        return List.of();
                    }
                }

                @Override
                public void signalUsr1() {
                    Commands.check("kill", List.of("kill", "-USR1", String.valueOf(p.pid())), Duration.ofSeconds(5));
                }
            };
            String sum = MemoryProbe.awaitStarted(t, Duration.ofSeconds(60));
            assertThat(sum).matches("[0-9a-f]{64}");
            MemoryProbe.verify("nothing", t, sum, MemoryProbe.lastNumber(t.lines()));
            assertThatThrownBy(() -> MemoryProbe.verify("a pretended restore", t, "0".repeat(64), MemoryProbe.lastNumber(t.lines())))
                    .isInstanceOf(MemoryProbe.ChecksumMismatch.class).hasMessageContaining("MEMORY CHECKSUM MISMATCH");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
