package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.error.InvalidArchiveException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Defence in depth behind the spec check, as {@link ImageCredentialsCheck} is: CRIU rebuilds the
 * container's mount namespace from mountpoints-N.img, not from config.json, and runc does not apply
 * readonlyPaths or maskedPaths again. Every mount in the images must be one the spec gives (its
 * mounts, volumes, read-only and masked paths, cgroup hierarchies under /sys/fs/cgroup) with the
 * filesystem and read-only flag it gives, mounted once; every read-only or masked path that this
 * host's kernel has must be covered; a fresh filesystem shows its own root (a readonly path: its own
 * directory of /proc), never a directory reached through '..' or a link. Otherwise a crafted image mounts a second, writable /proc (its
 * /proc/sys/kernel/core_pattern runs a program as root on the host), binfmt_misc or a host block device.
 */
final class ImageMountsCheck {
    private static final long MS_RDONLY = 1;
    private static final Map<String, Integer> FSTYPES = Map.of("proc", 1, "sysfs", 2, "tmpfs", 5, "devpts", 6,
            "mqueue", 14);
    private static final int CGROUP2 = 23;
    private static final String CGROUPS = "/sys/fs/cgroup/";

    /**
     * What may be mounted at one place: a fresh filesystem of these types showing its directory
     * {@code root} (CRIU binds any other directory of a filesystem already mounted with the same
     * device, source and options, following '..' and links, even /proc/self/root, out to the host),
     * or a bind of these runc mappings (a masked file is a bind of /dev/null: read-only is asked of
     * the fresh mount only).
     */
    private record Rule(Set<Integer> fstypes, String root, boolean readOnly, Predicate<String> externalKey,
                        boolean bindReadOnly) {
        Rule(Set<Integer> fstypes, String root, boolean readOnly, Predicate<String> externalKey) {
            this(fstypes, root, readOnly, externalKey, readOnly);
        }
    }

    private ImageMountsCheck() {
    }

    /**
     * {@code spec} is this host's spec for the archived container ({@code OciSpecs.create}). {@code anyRootOfRoot}: the root mount may show any directory of its filesystem (Podman's vfs and
     * btrfs storage bind a directory of the host there; CRIU mounts runc's --root at "/" whatever the
     * image says).
     */
    static void check(Path imagesDir, JsonNode spec, boolean anyRootOfRoot) {
        Map<String, Rule> rules = rules(spec);
        Set<String> covered = new HashSet<>();
        try (DirectoryStream<Path> images = Files.newDirectoryStream(imagesDir, "mountpoints-*.img")) {
            for (Path image : images) {
                Set<String> seen = new HashSet<>();
                for (ProtoMessage mount : CheckpointImages.read(image).entries()) {
                    String mountpoint = check(image.getFileName().toString(), mount, rules, seen, anyRootOfRoot);
                    covered.add(mountpoint);
                }
            }
        } catch (IOException | UncheckedIOException | InvalidArchiveException e) {
            throw new InvalidArchiveException("cannot read the mounts of the checkpointed container: "
                    + e.getMessage(), e);
        }
        for (String path : protectedPaths(spec)) {
            if (!covered.contains(path) && Files.exists(Path.of(path))) {
                throw new InvalidArchiveException("the checkpoint's mounts leave " + path
                        + " uncovered, which this host's containers have read-only or masked");
            }
        }
    }

    private static String check(String image, ProtoMessage mount, Map<String, Rule> rules, Set<String> seen,
                                boolean anyRootOfRoot) {
        String mountpoint = mount.string(7);
        String where = "checkpoint/" + image + ": the mount at " + shown(mountpoint);
        if (mountpoint == null) {
            throw new InvalidArchiveException("checkpoint/" + image + ": a mount has no mountpoint");
        }
        if (!seen.add(mountpoint)) {
            throw new InvalidArchiveException(where + " occurs twice; this host mounts each place once");
        }
        if (mountpoint.equals("/")) {
            if (!anyRootOfRoot) {
                requireRoot(where, mount, "/"); // CRIU mounts the bundle's root (runc's --root) there
            }
            return mountpoint;
        }
        Rule rule = rules.get(mountpoint);
        if (rule == null && isCgroupHierarchy(mountpoint)) {
            rule = new Rule(Set.of(), "/", true, mountpoint::equals); // runc maps them to this container's cgroups
        }
        if (rule == null) {
            throw new InvalidArchiveException(where + " is not one this host's containers have");
        }
        String key = mount.string(18);
        if (key != null ? !rule.externalKey().test(key) : !rule.fstypes().contains((int) mount.uint(1, -1))) {
            throw new InvalidArchiveException(where + (key != null ? " binds " + shown(key)
                    : " has filesystem type " + mount.uint(1, -1)) + ", which this host does not mount there");
        }
        if (key == null) {
            requireRoot(where, mount, rule.root());
        }
        if ((key != null ? rule.bindReadOnly() : rule.readOnly()) && (mount.uint(5, 0) & MS_RDONLY) == 0) {
            throw new InvalidArchiveException(where + " is writable; this host mounts it read-only");
        }
        return mountpoint;
    }

    private static void requireRoot(String where, ProtoMessage mount, String root) {
        String actual = mount.string(6);
        if (!root.equals(actual)) {
            throw new InvalidArchiveException(where + " has root " + shown(actual) + "; this host mounts "
                    + shown(root) + " of its filesystem there");
        }
    }

    private static Map<String, Rule> rules(JsonNode spec) {
        Map<String, Rule> rules = new HashMap<>();
        for (JsonNode m : spec.get("mounts")) {
            String destination = m.get("destination").asString();
            String type = m.get("type").asString();
            boolean readOnly = false;
            for (JsonNode o : m.path("options")) {
                readOnly |= o.asString().equals("ro");
            }
            if (type.equals("bind")) {
                rules.put(destination, new Rule(Set.of(), "/", readOnly, destination::equals));
            } else if (type.equals("cgroup")) { // cgroup v1: a tmpfs holding the hierarchies; v2: one cgroup2
                rules.put(destination, new Rule(Set.of(FSTYPES.get("tmpfs"), CGROUP2), "/", false, k -> false));
            } else {
                rules.put(destination, new Rule(Set.of(FSTYPES.get(type)), "/", readOnly, k -> false));
            }
        }
        for (JsonNode p : spec.get("linux").get("readonlyPaths")) {
            String path = p.asString(); // a directory of /proc, bound read-only over itself
            String root = path.startsWith("/proc/") ? path.substring("/proc".length()) : "/";
            rules.put(path, new Rule(Set.of(FSTYPES.get("proc")), root, true, k -> false));
        }
        for (JsonNode p : spec.get("linux").get("maskedPaths")) {
            rules.put(p.asString(), new Rule(Set.of(FSTYPES.get("tmpfs")), "/", true, "/dev/null"::equals, false));
        }
        return rules;
    }

    private static List<String> protectedPaths(JsonNode spec) {
        List<String> paths = new java.util.ArrayList<>();
        spec.get("linux").get("readonlyPaths").forEach(p -> paths.add(p.asString()));
        spec.get("linux").get("maskedPaths").forEach(p -> paths.add(p.asString()));
        return paths;
    }

    private static boolean isCgroupHierarchy(String mountpoint) {
        String name = mountpoint.startsWith(CGROUPS) ? mountpoint.substring(CGROUPS.length()) : "";
        return name.matches("[a-z_=,]{1,64}");
    }

    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("\"");
        value.codePoints().limit(80).forEach(c -> b.append(c >= 0x20 && c < 0x7f && c != '"' ? (char) c : '?'));
        return b.append(value.length() > 80 ? "...\"" : "\"").toString();
    }
}
