package io.ferry.core.os;

import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Mounts left below a directory: a CRIU killed mid-restore leaves its cgroup yard and runc's
 * criu-root bind mount behind, and they must go before the directory can be removed.
 */
public final class Mounts {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private Mounts() {
    }

    /** Every mount point of this mount namespace (the fifth field of /proc/self/mountinfo). */
    public static List<String> mountPoints() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                    .filter(f -> f.length > 4).map(f -> f[4]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isMountPoint(Path path) {
        return mountPoints().contains(exact(path).toString());
    }

    public static List<String> below(Path dir) {
        String prefix = exact(dir) + "/";
        return mountPoints().stream().filter(m -> m.startsWith(prefix)).distinct().toList();
    }

    /** A path with ".." in it is refused, not normalized: it would name a mount elsewhere than its root. */
    private static Path exact(Path path) {
        Path abs = path.toAbsolutePath();
        if (!abs.normalize().equals(abs)) {
            throw new IllegalArgumentException("refusing mount lookup of " + path + ": it is not a normalized path");
        }
        return abs;
    }

    /** Unmounts everything below {@code dir}, deepest first; lazily where a mount is still busy. */
    public static void unmountBelow(Path dir) {
        List<String> mounts = below(dir).stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String m : mounts) {
            CommandResult r = Commands.run(List.of("umount", m), QUICK);
            if (!r.ok()) {
                Commands.check("unmounting " + m, List.of("umount", "-l", m), QUICK);
            }
        }
        List<String> left = below(dir);
        if (!left.isEmpty()) {
            throw new ToolFailedException("mounts remain below " + dir, left);
        }
    }
}
