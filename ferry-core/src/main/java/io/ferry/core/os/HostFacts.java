package io.ferry.core.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine that a checkpoint records and a restore compares. */
public final class HostFacts {
    private HostFacts() {
    }

    public static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    public static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") || a.equals("x86_64") ? "amd64" : a;
    }

    /** "v2" (unified), "hybrid" (v1 controllers plus /sys/fs/cgroup/unified) or "v1". */
    public static String cgroupVersion() {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return "v2";
        }
        return Files.isDirectory(root.resolve("unified")) ? "hybrid" : "v1";
    }
}
