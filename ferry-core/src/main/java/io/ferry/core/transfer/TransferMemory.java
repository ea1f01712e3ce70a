package io.ferry.core.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a transfer's unpacked images may live in memory: when the size the source announced fits
 * under the configured limit and under half of the memory available now (the restored process needs
 * the other half, and more, for the same pages).
 */
public final class TransferMemory {
    private TransferMemory() {
    }

    /** The bound for one transfer: the configured limit, never more than half of {@code memAvailable}. */
    public static long bound(long configuredLimit, long memAvailable) {
        return Math.max(0, Math.min(configuredLimit, memAvailable / 2));
    }

    /** In memory when the announced size is known and fits under the bound. */
    public static boolean fits(long announcedBytes, long bound) {
        return announcedBytes > 0 && announcedBytes <= bound;
    }

    /** MemAvailable from /proc/meminfo, in bytes; 0 when it cannot be read (then nothing goes to memory). */
    public static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
