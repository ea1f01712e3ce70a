package io.ferry.bench.compare;

import io.ferry.core.testing.Podman;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** P: {@code podman container checkpoint -e} (zstd, Podman's default), {@code podman rm}, {@code podman container restore -i}. */
final class PodmanRound {
    private final Podman podman;
    private final Path archive;

    PodmanRound(Podman podman, Path dir) {
        this.podman = podman;
        this.archive = dir.resolve("podman.tar.zst");
    }

    Timing run(String name) throws IOException {
        Files.deleteIfExists(archive);
        long t0 = System.nanoTime();
        podman.check("podman container checkpoint", "container", "checkpoint", "-e", archive.toString(), name);
        long t1 = System.nanoTime();
        podman.check("podman rm", "rm", name);
        long t2 = System.nanoTime();
        podman.check("podman container restore", "container", "restore", "-i", archive.toString());
        long t3 = System.nanoTime();
        long size = Files.size(archive);
        Files.delete(archive);
        return Timing.of(t0, t1, t2, t3, size);
    }

    /** The container as the memory probe sees it: {@code podman logs} and {@code podman kill -s USR1}. */
    static MemoryProbe.Target target(Podman podman, String name) {
        return new MemoryProbe.Target() {
            @Override
            public List<String> lines() {
                return podman.logs(name);
            }

            @Override
            public void signalUsr1() {
                podman.check("podman kill", "kill", "-s", "USR1", name);
            }
        };
    }
}
