package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.CriuImageFile;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defence in depth beside {@link ImageMountsCheck}: CRIU moves each restored task into the cgroups
 * cgroup.img names. runc gives CRIU the container's new cgroup in place of each hierarchy's dumped
 * directory, but CRIU swaps it only into paths that begin with that directory's name as a string and
 * follows the rest, '..' included: a crafted image put init into the host's root devices cgroup
 * (every device of the host open to it) or had CRIU create a cgroup outside the container's. So
 * every hierarchy must be one of this host's, dumped as one directory without sub-cgroups (this
 * host's containers cannot create any: their /sys/fs/cgroup is read-only), owned by root and not
 * writable by others, and every task must be in exactly that directory, outside any cgroup namespace.
 */
final class ImageCgroupsCheck {
    private static final String IMAGE = "checkpoint/cgroup.img";

    private ImageCgroupsCheck() {
    }

    static void check(Path imagesDir) {
        check(imagesDir, hostHierarchies());
    }

    /** {@code hierarchies}: the controllers of each cgroup hierarchy of this host, "" for the unified one. */
    static void check(Path imagesDir, Set<Set<String>> hierarchies) {
        Path image = imagesDir.resolve("cgroup.img");
        if (!Files.exists(image)) {
            return; // no sets: CRIU leaves the tasks in runc's cgroup
        }
        ProtoMessage cgroups;
        try {
            CriuImageFile file = CheckpointImages.read(image);
            if (file.entries().isEmpty()) {
                return;
            }
            if (file.entries().size() > 1) {
                throw new InvalidArchiveException(IMAGE + " holds " + file.entries().size() + " entries; CRIU writes one");
            }
            cgroups = file.first();
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidArchiveException("cannot read " + IMAGE + ": " + e.getMessage(), e);
        }
        Map<String, String> dirOf = new HashMap<>();
        for (ProtoMessage controller : cgroups.messages(2)) {
            List<String> names = controller.strings(1);
            if (!hierarchies.contains(new HashSet<>(names))) {
                throw new InvalidArchiveException(IMAGE + ": the cgroup hierarchy " + shown(String.join(",", names))
                        + " is not one of this host's");
            }
            String dir = dirOf(names, controller.messages(2));
            names.forEach(n -> dirOf.put(n, dir));
        }
        for (ProtoMessage set : cgroups.messages(1)) {
            for (ProtoMessage member : set.messages(2)) {
                String name = member.string(1);
                String path = member.string(2);
                String dir = dirOf(dirOf, name);
                String where = IMAGE + ": the " + (name == null || name.isEmpty() ? "unified" : shown(name))
                        + " cgroup " + shown(path) + " of cgroup set " + set.uint(1, -1);
                if (dir == null) {
                    throw new InvalidArchiveException(where + " belongs to no hierarchy of the image");
                }
                if (!("/" + dir).equals(path)) {
                    throw new InvalidArchiveException(where + " is not the container's own cgroup "
                            + shown("/" + dir));
                }
                if (member.uint(3, 0) != 0) {
                    throw new InvalidArchiveException(where + " is in a cgroup namespace; this host's containers have none");
                }
            }
        }
    }

    /** A member names a hierarchy by its controllers as /proc/PID/cgroup does ("cpu,cpuacct"); null when unknown. */
    private static String dirOf(Map<String, String> dirOf, String name) {
        if (name == null) {
            return null;
        }
        String dir = null;
        for (String controller : name.split(",", -1)) {
            String d = dirOf.get(controller);
            if (d == null || dir != null && !dir.equals(d)) {
                return null;
            }
            dir = d;
        }
        return dir;
    }

    private static String dirOf(List<String> names, List<ProtoMessage> dirs) {
        String hierarchy = shown(String.join(",", names));
        if (dirs.size() != 1) {
            throw new InvalidArchiveException(IMAGE + ": the cgroup hierarchy " + hierarchy + " has " + dirs.size()
                    + " top directories; a container has one cgroup");
        }
        ProtoMessage dir = dirs.get(0);
        String name = dir.string(1);
        String where = IMAGE + ": the cgroup directory " + shown(name) + " of hierarchy " + hierarchy;
        if (name == null || name.isEmpty() || Arrays.stream(name.split("/", -1))
                .anyMatch(c -> c.isEmpty() || c.equals(".") || c.equals(".."))) {
            throw new InvalidArchiveException(where + " is not a plain relative path");
        }
        if (!dir.messages(2).isEmpty()) {
            throw new InvalidArchiveException(where + " has sub-cgroups; this host's containers cannot create any");
        }
        // CRIU applies a directory's perms even to a cgroup that exists, its properties (with their
        // perms: CRIU 4.2 dumps freezer.state's uninitialised) only to one it creates, and with one
        // directory per hierarchy it creates none: runc made the container's before
        requireRootOwned(where, dir.message(4));
        return name;
    }

    /** CgroupPerms: mode 1, uid 2, gid 3. */
    private static void requireRootOwned(String where, ProtoMessage perms) {
        if (perms != null && (perms.uint(2, 0) != 0 || perms.uint(3, 0) != 0 || (perms.uint(1, 0) & 022) != 0)) {
            throw new InvalidArchiveException(where + " asks for owner " + perms.uint(2, 0) + ":" + perms.uint(3, 0)
                    + " and mode " + Long.toOctalString(perms.uint(1, 0) & 07777)
                    + "; this host's cgroups are root's and not writable by others");
        }
    }

    /** From /proc/self/cgroup: "ID:CONTROLLERS:PATH", controllers comma-separated, empty for cgroup v2. */
    static Set<Set<String>> hostHierarchies() {
        Set<Set<String>> hierarchies = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3) {
                    hierarchies.add(new HashSet<>(Arrays.asList(parts[1].split(",", -1))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this host's cgroup hierarchies", e);
        }
        return hierarchies;
    }

    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("\"");
        value.codePoints().limit(120).forEach(c -> b.append(c >= 0x20 && c < 0x7f && c != '"' ? (char) c : '?'));
        return b.append(value.length() > 120 ? "...\"" : "\"").toString();
    }
}
