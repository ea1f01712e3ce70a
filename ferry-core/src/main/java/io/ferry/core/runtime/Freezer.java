package io.ferry.core.runtime;

import io.ferry.core.os.Confined;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Thaws a container's freezer cgroup (v1 or v2) after CRIU was killed mid-dump. */
final class Freezer {
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");

    private Freezer() {
    }

    static boolean thaw(String cgroupsPath) {
        String[] parts = Cgroups.parts(cgroupsPath);
        Path v1 = Confined.resolve(CGROUP.resolve("freezer"), parts).resolve("freezer.state");
        Path v2 = Confined.resolve(CGROUP, parts).resolve("cgroup.freeze");
        try {
            if (Files.exists(v1)) {
                Files.writeString(v1, "THAWED");
                return true;
            }
            if (Files.exists(v2)) {
                Files.writeString(v2, "0");
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
