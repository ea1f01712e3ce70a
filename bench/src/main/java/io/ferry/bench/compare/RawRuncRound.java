package io.ferry.bench.compare;

import io.ferry.core.criu.Criu;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * R1: {@code runc checkpoint} to an image directory and {@code runc restore -d} from it, on one host,
 * the runc binary driven directly (not through Ferry's engine; the container was started by it, so
 * bundle and log are its). The restored container's stdio is a pipe into its log, as runc needs.
 */
final class RawRuncRound {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** The same shape as Ferry's log shim: the restored container writes into a pipe that {@code cat} appends to the log. */
    private static final String SHIM = """
            exit_file=$1; log=$2; shift 2
            ( "$@" </dev/null; echo $? > "$exit_file.tmp" && mv "$exit_file.tmp" "$exit_file" ) 2>&1 | cat >> "$log"
            """;

    private final Criu criu;
    private final Path dir;

    RawRuncRound(Criu criu, Path dir) {
        this.criu = criu;
        this.dir = dir;
    }

    Timing run(LocalContainer c) throws IOException {
        var host = c.host().host();
        String id = c.id();
        var layout = c.host().engine().containers().store().layout(id);
        Path images = fresh(dir.resolve("raw-images"));
        Path work = fresh(dir.resolve("raw-work"));
        List<String> runc = List.of("runc", "--root", host.runcRoot().toString(), "--criu", criu.binary().toString());

        long t0 = System.nanoTime();
        CommandResult ck = Commands.run(concat(runc, "checkpoint", "--image-path", images.toString(),
                "--work-path", work.toString(), id), criu.environment(), TIMEOUT);
        long t1 = System.nanoTime();
        if (!ck.ok()) {
            throw new IllegalStateException("runc checkpoint failed: " + ck.errorLines() + " (CRIU log " + work.resolve("dump.log") + ")");
        }
        Commands.run(concat(runc, "delete", "--force", id), Duration.ofSeconds(30)); // gone already after a checkpoint
        long t2 = System.nanoTime();
        restore(concat(runc, "restore", "-d", "--image-path", images.toString(), "--work-path", work.toString(),
                "--bundle", layout.bundle().toString(), id), layout.log(), work);
        long t3 = System.nanoTime();
        return Timing.of(t0, t1, t2, t3, 0);
    }

    private void restore(List<String> command, Path log, Path work) throws IOException {
        Path exit = dir.resolve("raw-restore.exit");
        Files.deleteIfExists(exit);
        List<String> argv = new ArrayList<>(List.of("setsid", "--fork", "/bin/sh", "-c", SHIM, "bench-shim", exit.toString(), log.toString()));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("raw-shim.out").toFile())).redirectErrorStream(true);
        pb.environment().putAll(criu.environment());
        try {
            pb.start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(exit)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("runc restore did not end within " + TIMEOUT);
            }
            MemoryProbe.sleep(5);
        }
        if (!Files.readString(exit).strip().equals("0")) {
            throw new IllegalStateException("runc restore failed (CRIU log " + work.resolve("restore.log") + ")");
        }
    }

    private static Path fresh(Path p) throws IOException {
        FileTrees.deleteRecursively(p);
        return Files.createDirectories(p);
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }
}
