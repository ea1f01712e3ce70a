package io.ferry.core.archive;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.EntryNames;
import io.ferry.core.tar.FileTypes;
import io.ferry.core.tar.OpaqueDirs;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.core.tar.TarWriter;
import io.ferry.core.tar.Whiteouts;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The container's writable layer as Podman exports it: {@code rootfs-diff.tar} holds what was added or
 * changed (read from the overlay's upper directory), {@code deleted.files} the paths it deleted
 * (overlay whiteouts: character devices 0/0). Mount points (/proc, /dev, volumes) are left out. Named
 * pipes are carried (as tar FIFO entries), unix socket files skipped and named ({@link Captured#skippedNote}).
 *
 * <p>A directory deleted and created again is opaque in the upper directory: it hides what the image
 * has inside it. deleted.files then lists those hidden image entries, so that the restored container,
 * on a fresh overlay of the same image, sees the directory as it was (and Podman can read the archive).
 */
public final class RootfsDiff {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /**
     * What {@link #capture} found: the deleted paths, and the unix socket files left out of the tar (both
     * absolute, as inside the container).
     */
    public record Captured(Path tar, List<String> deleted, List<String> skippedSockets) {
        /** How many socket files the note names. */
        static final int NOTED = 20;

        /**
         * The note a checkpoint gives about the skipped sockets, if any: the first {@link #NOTED} names (the
         * container's, their control characters escaped), then how many more.
         */
        public java.util.Optional<String> skippedNote() {
            if (skippedSockets.isEmpty()) {
                return java.util.Optional.empty();
            }
            List<String> shown = skippedSockets.stream().limit(NOTED).map(Identifiers::escape).toList();
            int more = skippedSockets.size() - shown.size();
            return java.util.Optional.of("unix socket files are not archived (as Podman does); their processes'"
                    + " sockets are restored by CRIU, the files are not: " + String.join(", ", shown)
                    + (more > 0 ? " and " + more + " more" : ""));
        }
    }

    private RootfsDiff() {
    }

    /**
     * Null when the writable layer holds no change outside the excluded mount points.
     *
     * @param lowerTopFirst the image's layer directories, as the overlay mounts them
     */
    public static Captured capture(Path upper, List<Path> lowerTopFirst, Set<String> excludedDestinations, Path tarFile) {
        List<String> deleted = new ArrayList<>();
        AtomicBoolean changed = new AtomicBoolean(false);
        try {
            if (!Files.isDirectory(upper)) {
                return null;
            }
            Files.walkFileTree(upper, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(upper)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (excluded(upper, dir, excludedDestinations)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!isAncestorOfExcluded(upper, dir, excludedDestinations)) {
                        changed.set(true);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (excluded(upper, file, excludedDestinations)) {
                        return FileVisitResult.CONTINUE;
                    }
                    changed.set(true);
                    if (Whiteouts.isOverlayWhiteout(file)) {
                        deleted.add("/" + upper.relativize(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            if (!changed.get()) {
                return null;
            }
            deleted.addAll(hiddenByOpaqueDirs(upper, new LowerLayers(lowerTopFirst), excludedDestinations));
            List<String> sockets = new ArrayList<>();
            try (OutputStream out = Files.newOutputStream(tarFile); TarWriter tar = new TarWriter(out)) {
                tar.addTree("", upper, p -> excluded(upper, p, excludedDestinations) || isWhiteoutQuietly(p)
                        || isSocket(upper, p, sockets));
                tar.finish();
            }
            return new Captured(tarFile, deleted, List.copyOf(sockets));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot capture the container's root filesystem changes: " + why(e), e);
        }
    }

    /**
     * Applies an archive's diff to a mounted container root filesystem: unpacks rootfs-diff.tar, then
     * deletes deleted.files (the overlay records those as whiteouts). Never follows a link in the rootfs.
     */
    public static void apply(Path diffTar, List<String> deleted, Path rootfs, ArchiveLimits limits) {
        try (InputStream in = Files.newInputStream(diffTar)) {
            new SafeExtractor(limits, SafeExtractor.Links.ROOTFS).extract(in, rootfs);
        } catch (IOException e) {
            throw new InvalidArchiveException("cannot read rootfs-diff.tar: " + e.getMessage(), e);
        }
        for (String path : deleted) {
            String rel = EntryNames.normalize(path.startsWith("/") ? path.substring(1) : path);
            if (rel.isEmpty()) {
                throw new InvalidArchiveException("deleted.files names the root directory");
            }
            Path target = rootfs;
            for (String part : rel.split("/")) {
                if (Files.isSymbolicLink(target)) {
                    throw new InvalidArchiveException("deleted.files entry \"" + path + "\" passes through a symbolic link");
                }
                target = target.resolve(part);
            }
            FileTrees.deleteRecursively(target);
        }
    }

    /** The image entries that the upper directory's opaque directories hide, as absolute paths. */
    private static List<String> hiddenByOpaqueDirs(Path upper, LowerLayers lower, Set<String> destinations) {
        Set<String> opaque = OpaqueDirs.in(upper);
        List<String> hidden = new ArrayList<>();
        for (String dir : opaque) {
            if (!dir.isEmpty() && !underExcluded("/" + dir, destinations)) {
                hide(upper, dir, lower, opaque, destinations, hidden);
            }
        }
        return hidden;
    }

    /**
     * Beneath an opaque directory, overlayfs shows the upper directory alone, so the image's entries
     * there are gone unless the upper holds the same name; a directory the upper holds again (and did
     * not mark opaque itself) hides the image's content in turn. An upper entry of another type than
     * the image's replaces it when rootfs-diff.tar is applied.
     */
    private static void hide(Path upper, String dir, LowerLayers lower, Set<String> opaque, Set<String> destinations,
                             List<String> hidden) {
        for (String name : lower.children(dir)) {
            String rel = dir + "/" + name;
            if (underExcluded("/" + rel, destinations)) {
                continue;
            }
            Path mine = upper.resolve(rel);
            if (!Files.exists(mine, NOFOLLOW)) {
                hidden.add("/" + rel);
            } else if (Files.isDirectory(mine, NOFOLLOW) && !opaque.contains(rel) && lower.isDirectory(rel)) {
                hide(upper, rel, lower, opaque, destinations, hidden);
            }
        }
    }

    private static boolean underExcluded(String abs, Set<String> destinations) {
        return destinations.stream().anyMatch(d -> abs.equals(d) || abs.startsWith(d + "/"));
    }

    private static boolean excluded(Path upper, Path p, Set<String> destinations) {
        String abs = "/" + upper.relativize(p);
        return destinations.contains(abs);
    }

    private static boolean isAncestorOfExcluded(Path upper, Path dir, Set<String> destinations) {
        String abs = "/" + upper.relativize(dir) + "/";
        return destinations.stream().anyMatch(d -> d.startsWith(abs));
    }

    /**
     * A unix socket file: a bound socket's name, useless without the socket. Left out like Podman does
     * (tar cannot hold one); CRIU restores a listening socket by binding its path anew. Recorded in {@code into}.
     */
    private static boolean isSocket(Path upper, Path p, List<String> into) {
        try {
            if (FileTypes.isSocket((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW))) {
                into.add("/" + upper.relativize(p));
                return true;
            }
            return false;
        } catch (IOException e) {
            return false; // gone meanwhile: the writer says so with the path
        }
    }

    /** The cause in words, with the file it concerns: a FileSystemException's message is often only the path. */
    static String why(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String reason = fs.getReason() != null ? fs.getReason()
                    : fs instanceof NoSuchFileException ? "it was removed while the changes were being archived"
                    : fs instanceof AccessDeniedException ? "permission denied"
                    : fs.getClass().getSimpleName();
            return Identifiers.escape(fs.getFile()) + ": " + reason; // the container's file name
        }
        return Identifiers.escape(String.valueOf(e.getMessage())); // it names the container's file too
    }

    private static boolean isWhiteoutQuietly(Path p) {
        try {
            return !Files.isDirectory(p, NOFOLLOW) && Whiteouts.isOverlayWhiteout(p);
        } catch (IOException e) {
            return false;
        }
    }
}
