package io.ferry.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Waits for a container log to stop growing: the log shim drains the pipe a moment after the last write. */
final class LogFiles {
    private static final long STEP_MILLIS = 15;
    private static final int MAX_STEPS = 40;

    private LogFiles() {
    }

    static void awaitQuiet(Path log) throws IOException {
        long size = Files.exists(log) ? Files.size(log) : 0;
        for (int i = 0; i < MAX_STEPS; i++) {
            try {
                Thread.sleep(STEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = Files.exists(log) ? Files.size(log) : 0;
            if (now == size) {
                return;
            }
            size = now;
        }
    }
}
