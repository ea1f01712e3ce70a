package io.ferry.core.archive;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.exec.Commands;
import io.ferry.core.host.FileTrees;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * OCI layer whiteouts turned into overlayfs ones, since each layer is an overlay lower directory:
 * {@code .wh.NAME} -> a character device 0/0 named NAME (mknod), {@code .wh..wh..opq} -> the
 * directory's {@code trusted.overlay.opaque=y} xattr (setfattr, from the attr package): Java can
 * create neither.
 */
final class Whiteouts {
    static final String PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final Duration QUICK = Duration.ofSeconds(30);

    private Whiteouts() {
    }

    static void apply(Path entry, String base) {
        Path dir = entry.getParent();
        if (base.equals(OPAQUE)) {
            Commands.check("marking " + dir + " opaque",
                    List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", dir.toString()), QUICK);
            return;
        }
        String hidden = base.substring(PREFIX.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.contains("/")) {
            throw new InvalidArchiveException("invalid whiteout \"" + base + "\"");
        }
        Path target = dir.resolve(hidden);
        FileTrees.deleteRecursively(target);
        Commands.check("creating whiteout " + target, List.of("mknod", target.toString(), "c", "0", "0"), QUICK);
    }
}
