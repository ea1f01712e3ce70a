package io.ferry.core.container;

import io.ferry.core.exec.Commands;
import io.ferry.core.os.Mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** A container's root filesystem: the image layers read-only below, the container's upper dir above. */
public final class OverlayRootfs {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private OverlayRootfs() {
    }

    public static void mount(List<Path> lowerTopFirst, ContainerLayout layout) {
        try {
            Files.createDirectories(layout.upper());
            Files.createDirectories(layout.work());
            Files.createDirectories(layout.rootfs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (isMounted(layout.rootfs())) {
            return;
        }
        String lower = lowerTopFirst.stream().map(Path::toString).collect(Collectors.joining(":"));
        String options = "lowerdir=" + lower + ",upperdir=" + layout.upper() + ",workdir=" + layout.work();
        Commands.check("mounting the container's root filesystem",
                List.of("mount", "-t", "overlay", "overlay", "-o", options, layout.rootfs().toString()), QUICK);
    }

    public static void unmount(ContainerLayout layout) {
        if (isMounted(layout.rootfs())) {
            Commands.check("unmounting the container's root filesystem",
                    List.of("umount", layout.rootfs().toString()), QUICK);
        }
    }

    public static boolean isMounted(Path mountpoint) {
        return Mounts.isMountPoint(mountpoint);
    }
}
