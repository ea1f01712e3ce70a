package io.ferry.core.runtime;

import io.ferry.core.os.Confined;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Last-resort cleanup of a container's cgroups when the runtime has no state for it (a restore
 * killed midway): thaws, kills every task still in them, and removes the directories.
 */
public final class Cgroups {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private Cgroups() {
    }

    /** The container's cgroup directory in every hierarchy (v1 controllers, or the v2 unified tree). */
    static List<Path> dirs(String cgroupsPath) {
        String[] parts = parts(cgroupsPath);
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(Confined.resolve(ROOT, parts))) {
            out.add(Confined.resolve(ROOT, parts));
        }
        try (Stream<Path> controllers = Files.list(ROOT)) {
            controllers.map(c -> Confined.resolve(c, parts)).filter(Files::isDirectory).forEach(out::add);
        } catch (IOException ignored) {
            // no cgroupfs: nothing to clean
        }
        return out;
    }

    /** The parts of a cgroup path; each must be a plain name, so the path cannot leave the hierarchy. */
    static String[] parts(String cgroupsPath) {
        String rel = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        return rel.split("/", -1);
    }

    /** Thaws the container's freezer cgroup (a dump cut off by a crash leaves it frozen); false if it has none. */
    public static boolean thaw(String cgroupsPath) {
        return Freezer.thaw(cgroupsPath);
    }

    public static void killAndRemove(String cgroupsPath) {
        List<Path> dirs = dirs(cgroupsPath);
        if (dirs.isEmpty()) {
            return;
        }
        Freezer.thaw(cgroupsPath); // SIGKILL does not complete on a frozen task
        for (int attempt = 0; attempt < 50; attempt++) {
            boolean any = false;
            for (Path d : dirs) {
                for (long pid : pids(d)) {
                    any = true;
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            if (!any) {
                break;
            }
            sleep();
        }
        for (Path d : dirs) {
            d.toFile().delete(); // rmdir; fails harmlessly if a task is still dying
        }
    }

    /**
     * Removes the parent Ferry made for the container's cgroup (the host's {@code /ferry/<host>}) in every
     * hierarchy where it is empty: runc removes the container's own cgroup, never its parents. Call under
     * the host lock, so that no run of this host creates a container below it meanwhile; the kernel
     * refuses to remove a cgroup that still has tasks or children, so a busy parent stays. The shared
     * {@code /ferry} above it stays too: other hosts' runs, under their own locks, create below it.
     */
    public static void removeEmptyParent(String cgroupsPath) {
        int slash = cgroupsPath.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        for (Path d : dirs(cgroupsPath.substring(0, slash))) {
            d.toFile().delete(); // rmdir; fails harmlessly while another container of the host has its cgroup there
        }
    }

    private static List<Long> pids(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
                    .map(String::strip).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
