package io.ferry.core.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Podman archive's ctr.log (k8s-file lines) becomes Ferry's plain log. The file is the archive's: a line of
 * any length (a few KB of zstd expand to gigabytes of one line) is streamed, never held whole in memory.
 */
class PodmanLogTest {
    @TempDir
    Path tmp;

    @Test
    void k8sFileLinesBecomeTheirTextAndPartialLinesAreJoined() throws IOException {
        Path ctr = Files.writeString(tmp.resolve("ctr.log"), "2026-11-30T02:36:11.3Z stdout F 0\n"
                + "2026-11-30T02:36:12.3Z stderr P par\n2026-11-30T02:36:12.4Z stderr F tial\n"
                + "2026-11-30T02:36:13.3Z stdout F\nnot a k8s line\n2026-11-30T02:36:14.3Z stdout F last");
        Path log = tmp.resolve("log");

        PodmanRestore.copyLog(ctr, log);

        assertThat(Files.readString(log)).isEqualTo("0\npartial\n\nnot a k8s line\nlast\n");
    }

    @Test
    void aHugeSingleLineIsStreamedInASmallHeap() throws Exception {
        Path ctr = tmp.resolve("ctr.log");
        try (RandomAccessFile f = new RandomAccessFile(ctr.toFile(), "rw")) {
            f.write("2026-11-30T02:36:11.3Z stdout F ".getBytes());
            f.setLength(256L << 20); // sparse: 256 MiB of NULs, one line
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                CopyLogMain.class.getName(), ctr.toString(), "/dev/null")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** Runs {@link PodmanRestore#copyLog} in a JVM of its own (a small heap). */
    public static final class CopyLogMain {
        public static void main(String[] args) throws IOException {
            PodmanRestore.copyLog(Path.of(args[0]), Path.of(args[1]));
        }
    }
}
