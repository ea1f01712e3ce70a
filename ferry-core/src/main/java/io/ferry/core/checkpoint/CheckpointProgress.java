package io.ferry.core.checkpoint;

import java.time.Duration;
import java.time.Instant;

/** What a checkpoint reports while it runs (the checkpoint-service turns it into events). */
public interface CheckpointProgress {
    CheckpointProgress NONE = new CheckpointProgress() {
    };

    /** The container was frozen at {@code frozenAt} and its dump took {@code dump}; the export follows. */
    default void dumped(Instant frozenAt, Duration dump) {
    }

    /** {@code bytes} of the archive have been written so far. */
    default void exported(long bytes) {
    }
}
