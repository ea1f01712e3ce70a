package io.ferry.bench.compare;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * F1: what {@code ferry checkpoint --export} + {@code ferry rm} + {@code ferry restore --import} do, through
 * the engine's API in this JVM (no JVM start per command): a zstd archive file on the same host.
 */
final class EngineRound {
    private final Path archive;

    EngineRound(Path dir) {
        this.archive = dir.resolve("engine.tar.zst");
    }

    Timing run(LocalContainer c) throws IOException {
        var engine = c.host().engine();
        long t0 = System.nanoTime();
        engine.checkpoint(c.name(), CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
        long t1 = System.nanoTime();
        engine.containers().remove(c.name(), false);
        long t2 = System.nanoTime();
        engine.restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        long t3 = System.nanoTime();
        long size = Files.size(archive);
        Files.delete(archive);
        return Timing.of(t0, t1, t2, t3, size);
    }
}
