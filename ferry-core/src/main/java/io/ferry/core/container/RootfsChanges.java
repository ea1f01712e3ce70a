package io.ferry.core.container;

import io.ferry.core.tar.OpaqueDirs;
import io.ferry.core.tar.Whiteouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ferry diff}: the changes in a container's root filesystem as {@code podman diff} lists them
 * (containers/storage's OverlayChanges): every entry of the overlay's upper dir is D when it is a whiteout
 * (or an opaque directory that hid one of the lower layers), C when a lower layer has it (a directory only
 * when its size, mode or mtime differ), else A; the parent directories of an A or D are C. Podman's init
 * inodes (/dev, /proc, /etc/hosts...) and the container's mount points are left out; lines are in path order.
 */
public final class RootfsChanges {
    /** Podman's libpod/diff.go initInodes: what the runtime, not the container, put there. */
    public static final Set<String> INIT_INODES = Set.of("/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf",
            "/proc", "/run", "/run/notify", "/run/.containerenv", "/run/secrets", "/run/podman-init", "/sys",
            "/etc/mtab");

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    public enum Kind { A, C, D }

    /** One line of the diff: {@code "A /tmp/new"}. */
    public record Change(Kind kind, String path) {
        @Override
        public String toString() {
            return kind + " " + path;
        }
    }

    /** What a layer holds at a path: a whiteout, a directory (with what Podman compares of it), or another file. */
    public record Entry(boolean whiteout, boolean directory, boolean opaque, long size, int mode, FileTime mtime) {
        static final Entry FILE = new Entry(false, false, false, 0, 0, null);

        boolean sameDirectoryAs(Entry o) {
            return directory && o.directory && size == o.size && mode == o.mode && mtime != null
                    && mtime.equals(o.mtime);
        }
    }

    /** A layer by path ("/a/b"); null where it holds nothing. */
    @FunctionalInterface
    public interface Layer {
        Entry at(String path);
    }

    private RootfsChanges() {
    }

    /** The changes of {@code upper} (walked in path order, with its entries) over {@code lowerTopFirst}. */
    public static List<Change> classify(List<String> upperPaths, Layer upper, List<Layer> lowerTopFirst,
                                        Set<String> excluded) {
        List<Change> changes = new ArrayList<>();
        Set<String> changedDirs = new HashSet<>();
        for (String path : upperPaths) {
            Entry f = upper.at(path);
            Kind kind;
            if (f.whiteout() || (f.opaque() && hidesLower(path, lowerTopFirst))) {
                kind = Kind.D;
            } else {
                kind = Kind.A;
                Entry lower = lowerEntry(path, lowerTopFirst);
                if (lower != null) {
                    if (f.sameDirectoryAs(lower)) {
                        continue; // a directory copied up but not changed
                    }
                    kind = Kind.C;
                }
            }
            if (f.directory() && !f.whiteout()) {
                changedDirs.add(path);
            }
            if (kind != Kind.C) {
                List<Change> parents = new ArrayList<>();
                for (String parent = parent(path); !parent.equals("/"); parent = parent(parent)) {
                    if (changedDirs.add(parent)) {
                        parents.add(0, new Change(Kind.C, parent));
                    }
                }
                changes.addAll(parents);
            }
            changes.add(new Change(kind, path));
        }
        return changes.stream().filter(c -> !excluded.contains(c.path()))
                .sorted(Comparator.comparing(Change::path, RootfsChanges::comparePaths)).toList();
    }

    /** The topmost lower layer's entry at {@code path}, unless a whiteout above it (of it or a parent) hides it. */
    static Entry lowerEntry(String path, List<Layer> lowerTopFirst) {
        for (Layer layer : lowerTopFirst) {
            if (whitedOut(layer, path)) {
                return null;
            }
            Entry e = layer.at(path);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** An opaque directory in the upper dir deleted the lower one when a lower layer (not whited out) had it. */
    private static boolean hidesLower(String path, List<Layer> lowerTopFirst) {
        Entry e = lowerEntry(path, lowerTopFirst);
        return e != null && !e.whiteout();
    }

    private static boolean whitedOut(Layer layer, String path) {
        for (String p = path; !p.equals("/"); p = parent(p)) {
            Entry e = layer.at(p);
            if (e != null && e.whiteout()) {
                return true;
            }
        }
        return false;
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Path order as a directory walk visits it: component by component ("/a/b" before "/a-c"). */
    static int comparePaths(String a, String b) {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** The changes of the container's upper dir over its image's layer dirs (top first). */
    public static List<Change> of(Path upper, List<Path> lowerTopFirst, Set<String> excluded) {
        List<String> paths;
        try (Stream<Path> walk = Files.walk(upper)) {
            paths = walk.filter(p -> !p.equals(upper)).map(p -> "/" + upper.relativize(p))
                    .sorted(RootfsChanges::comparePaths).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the container's root filesystem changes in " + upper, e);
        }
        Set<String> opaque = new HashSet<>();
        OpaqueDirs.in(upper).forEach(p -> opaque.add("/" + p));
        return classify(paths, layer(upper, opaque), lowerTopFirst.stream().map(l -> layer(l, Set.of())).toList(),
                excluded);
    }

    private static Layer layer(Path dir, Set<String> opaque) {
        return path -> {
            Path p = dir.resolve(path.substring(1));
            try {
                if (!Files.exists(p, NOFOLLOW)) {
                    return null;
                }
                if (Files.isDirectory(p, NOFOLLOW)) {
                    return new Entry(false, true, opaque.contains(path), Files.size(p),
                            (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW),
                            Files.getLastModifiedTime(p, NOFOLLOW));
                }
                return Whiteouts.isOverlayWhiteout(p) ? new Entry(true, false, false, 0, 0, null) : Entry.FILE;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        };
    }
}
