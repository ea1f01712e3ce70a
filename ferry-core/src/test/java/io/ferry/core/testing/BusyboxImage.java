package io.ferry.core.testing;

import io.ferry.core.engine.FerryEngine;
import io.ferry.core.exec.Commands;
import io.ferry.core.image.Image;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.TarWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The test image: a root filesystem made from Debian's busybox-static (/bin/busybox, installed by
 * scripts/install-host.sh) with a symlink per applet, plus /etc/deleteme and /var/www for rootfs-diff tests.
 */
public final class BusyboxImage {
    public static final String REF = "busybox:latest";
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static Path tarball;

    private BusyboxImage() {
    }

    /** The rootfs tarball, built once per JVM. */
    public static synchronized Path tarball() {
        if (tarball != null) {
            return tarball;
        }
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: run scripts/install-host.sh (busybox-static)");
        }
        try {
            Path root = Files.createTempDirectory("ferry-busybox-rootfs");
            for (String d : List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root", "var/www", "data")) {
                Files.createDirectories(root.resolve(d));
            }
            Files.setPosixFilePermissions(root.resolve("tmp"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.copy(BUSYBOX, root.resolve("bin/busybox"));
            String applets = Commands.check("busybox --list", List.of(BUSYBOX.toString(), "--list"), Duration.ofSeconds(10)).stdout();
            for (String applet : applets.split("\n")) {
                if (!applet.isBlank() && !applet.equals("busybox")) {
                    Files.createSymbolicLink(root.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
                }
            }
            Files.writeString(root.resolve("etc/deleteme"), "in the image\n");
            Files.writeString(root.resolve("var/www/index.html"), "hello from ferry\n");
            Files.createDirectories(root.resolve("var/www/assets"));
            Files.writeString(root.resolve("var/www/assets/style.css"), "body {}\n");
            Path tar = Files.createTempFile("ferry-busybox", ".tar");
            try (OutputStream out = Files.newOutputStream(tar); TarWriter w = new TarWriter(out)) {
                w.addTree("", root, p -> false);
                w.finish();
            }
            FileTrees.deleteRecursively(root); // the tarball is all the tests need
            tar.toFile().deleteOnExit();
            tarball = tar;
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Image importInto(FerryEngine engine) {
        try (InputStream in = Files.newInputStream(tarball())) {
            return engine.images().importRootfs(in, REF);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
