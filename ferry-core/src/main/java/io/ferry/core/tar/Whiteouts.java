package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * OCI layer whiteouts turned into overlayfs ones, since each layer is an overlay lower directory:
 * {@code .wh.NAME} -> a character device 0/0 named NAME (mknod), {@code .wh..wh..opq} -> the
 * directory's {@code trusted.overlay.opaque=y} xattr (setfattr, from the attr package): Java can
 * create neither.
 */
public final class Whiteouts {
    static final String PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final Duration QUICK = Duration.ofSeconds(30);

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private Whiteouts() {
    }

    /** An overlayfs whiteout: a character device 0/0. */
    public static boolean isOverlayWhiteout(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
        return (mode & S_IFMT) == S_IFCHR && ((Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW)) == 0L;
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
        Commands.check("creating whiteout " + target, List.of("mknod", "--", target.toString(), "c", "0", "0"), QUICK);
    }
}
