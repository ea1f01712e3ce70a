package io.ferry.core.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code fs.pipe-max-size}: CRIU 4.2.1 grows its page-transfer pipe to ~3.2 MiB and, when the kernel
 * refuses (1 MiB limit, no CAP_SYS_RESOURCE), carries on and fails at the first lazy page
 * ({@code page-pipe: splice: -1: Bad file descriptor}). A post-copy transfer raises the limit first.
 */
public final class PipeSize {
    /** What a lazy transfer needs: CRIU's request rounded up to a power of two. */
    public static final long LAZY_PAGES_MINIMUM = 4L << 20;
    private static final Path SYSCTL = Path.of("/proc/sys/fs/pipe-max-size");

    private PipeSize() {
    }

    public static long current() {
        // one read: a sysctl file answers a read at a non-zero offset with EOF, and Files.readString of a
        // file whose size says 0 reads one byte first ("4" for 4194304)
        try (InputStream in = Files.newInputStream(SYSCTL)) {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return n <= 0 ? -1 : Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Raises the limit to {@code minimum} when it is lower; empty when it is high enough (or was raised),
     * else why it could not be (not root): then the transfer would fail at its first page.
     */
    public static Optional<String> ensureAtLeast(long minimum) {
        long now = current();
        if (now < 0 || now >= minimum) {
            return Optional.empty();
        }
        try {
            Files.writeString(SYSCTL, Long.toString(minimum));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("fs.pipe-max-size is " + now + " and could not be raised to " + minimum + " ("
                    + e.getMessage() + "): CRIU's lazy page transfer needs it; run scripts/install-host.sh as root"
                    + " or sysctl -w fs.pipe-max-size=" + minimum);
        }
    }
}
