package io.ferry.core.testing;

import io.ferry.core.os.StagingDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A process that holds a staging directory as a restore does while it unpacks (for tests of the
 * clean-up of killed restores): creates it in {@code args[0]}, prints its path, and holds it until
 * its standard input closes or it is killed.
 */
public final class HoldStagingDir {
    private HoldStagingDir() {
    }

    public static void main(String[] args) throws IOException {
        try (StagingDir dir = StagingDir.create(Path.of(args[0]), args[1])) {
            java.nio.file.Files.createDirectories(dir.content());
            java.nio.file.Files.writeString(dir.content().resolve("pages-1.img"), "x".repeat(4096));
            System.out.println(dir.dir());
            System.out.flush();
            while (System.in.read() >= 0) {
                // held until stdin closes
            }
        }
    }
}
