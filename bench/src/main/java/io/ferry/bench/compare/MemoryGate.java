package io.ferry.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether a workload fits this machine now: MemAvailable must hold two copies of its memory (the
 * container, and a restore or checkpoint images in the page cache beside it) plus 2 GiB for the JVMs.
 */
final class MemoryGate {
    private static final long SPARE = 2L << 30;

    private MemoryGate() {
    }

    /** Null when it fits; else why it is skipped. */
    static String whyNot(Workload w) {
        long available = memAvailable();
        long need = 2 * w.bytes() + SPARE;
        if (available < 0 || available >= need) {
            return null;
        }
        return String.format(Locale.ROOT, "MemAvailable %.1f GiB < %.1f GiB needed (2 x %s + 2 GiB)",
                available / 1073741824.0, need / 1073741824.0, w.label());
    }

    /** Bytes, or -1 if /proc/meminfo cannot be read. */
    static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: do not skip
        }
        return -1;
    }
}
