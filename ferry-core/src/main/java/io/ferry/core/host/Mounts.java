package io.ferry.core.host;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.error.ToolFailedException;

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

    public static List<String> below(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                    .filter(m -> m.startsWith(prefix)).distinct().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        if (!below(dir).isEmpty()) {
            throw new ToolFailedException("mounts remain below " + dir, below(dir));
        }
    }
}
