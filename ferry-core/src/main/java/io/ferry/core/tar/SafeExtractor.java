package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.os.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Extracts an untrusted tar stream into a directory and never writes outside it: entries with
 * {@code ..} or absolute names, links pointing outside, device nodes and entries past the size
 * limits are rejected, and nothing is ever written through a symbolic link. A truncated or corrupt
 * stream is an {@link InvalidArchiveException}; the caller removes the partial directory.
 */
public final class SafeExtractor {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** How symbolic link targets are judged. */
    public enum Links {
        /** Links must resolve inside the extraction directory (checkpoint images, volumes). */
        CONFINED,
        /**
         * A container root filesystem: absolute targets are resolved against the container's root
         * (so /bin/sh -> /bin/busybox is fine), relative targets must not climb above it.
         */
        ROOTFS
    }

    private final ArchiveLimits limits;
    private final Links links;
    private final boolean ociWhiteouts;

    public SafeExtractor(ArchiveLimits limits, Links links) {
        this(limits, links, false);
    }

    /**
     * With {@code ociWhiteouts}, the tar is an OCI image layer unpacked as an overlayfs lower layer:
     * {@code .wh.NAME} becomes an overlay whiteout (character device 0/0) hiding NAME of the layers
     * below, and {@code .wh..wh..opq} marks its directory opaque.
     */
    public SafeExtractor(ArchiveLimits limits, Links links, boolean ociWhiteouts) {
        this.limits = limits;
        this.links = links;
        this.ociWhiteouts = ociWhiteouts;
    }

    /** What an extraction produced. */
    public record Stats(long entries, long bytes) {
    }

    /** Extracts an (already decompressed) tar stream into {@code dest}, which is created if needed. */
    public Stats extract(InputStream tar, Path dest) {
        try {
            Files.createDirectories(dest);
            TarArchiveInputStream in = new TarArchiveInputStream(tar);
            long entries = 0;
            long total = 0;
            Deque<DirTime> dirTimes = new ArrayDeque<>();
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new InvalidArchiveException("archive has more than " + limits.maxEntries() + " entries");
                }
                String relative = EntryNames.normalize(entry.getName());
                if (relative.isEmpty()) {
                    continue; // the "./" entry of the root itself
                }
                if (entry.getSize() > limits.maxEntryBytes()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is " + entry.getSize()
                            + " bytes, over the limit of " + limits.maxEntryBytes());
                }
                Path target = prepareParents(dest, relative, entry.getName());
                String base = target.getFileName().toString();
                if (ociWhiteouts && base.startsWith(Whiteouts.PREFIX)) {
                    Whiteouts.apply(target, base);
                    continue;
                }
                if (entry.isDirectory()) {
                    if (Files.isSymbolicLink(target) || Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW)) {
                        Files.delete(target);
                    }
                    if (!Files.isDirectory(target, NOFOLLOW)) {
                        Files.createDirectory(target);
                    }
                    applyOwnerAndMode(target, entry);
                    dirTimes.push(new DirTime(target, entry.getLastModifiedDate().getTime()));
                } else if (entry.isSymbolicLink()) {
                    checkSymlink(relative, entry.getLinkName());
                    FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
                    Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
                } else if (entry.isLink()) {
                    String linked = EntryNames.normalize(entry.getLinkName());
                    Path source = dest.resolve(linked);
                    if (throughSymlink(dest, linked)) { // s -> /, x => s/etc/shadow: a file outside
                        throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is a hard link to \""
                                + entry.getLinkName() + "\", which passes through a symbolic link");
                    }
                    if (linked.isEmpty() || !Files.exists(source, NOFOLLOW) || Files.isDirectory(source, NOFOLLOW)) {
                        throw new InvalidArchiveException("archive entry \"" + entry.getName()
                                + "\" is a hard link to \"" + entry.getLinkName() + "\", which is not a file extracted before it");
                    }
                    FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
                    Files.createLink(target, source);
                } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName()
                            + "\" is a device node; device nodes are not allowed");
                } else if (entry.isFile() && !entry.isFIFO()) { // isFile() is also true of odd types: checked after them
                    total += entry.getSize();
                    if (total > limits.maxTotalBytes()) {
                        throw new InvalidArchiveException("archive content exceeds the limit of " + limits.maxTotalBytes() + " bytes");
                    }
                    FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        long copied = in.transferTo(out);
                        if (copied != entry.getSize()) {
                            throw new InvalidArchiveException("archive is truncated inside \"" + entry.getName() + "\"");
                        }
                    }
                    applyOwnerAndMode(target, entry);
                    Files.setLastModifiedTime(target, FileTime.fromMillis(entry.getLastModifiedDate().getTime()));
                } else {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName()
                            + "\" has an unsupported type (" + (char) typeFlag(entry) + ")");
                }
            }
            while (!dirTimes.isEmpty()) { // children changed the directories' times; set them last
                DirTime d = dirTimes.pop();
                Files.setLastModifiedTime(d.dir, FileTime.fromMillis(d.millis));
            }
            return new Stats(entries, total);
        } catch (InvalidArchiveException e) {
            throw e;
        } catch (FileAlreadyExistsException e) {
            throw new InvalidArchiveException("archive entry collides with an existing file: " + e.getFile(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidArchiveException("archive is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    private record DirTime(Path dir, long millis) {
    }

    /** Creates missing parent directories one by one, refusing to pass through a symbolic link. */
    private static Path prepareParents(Path dest, String relative, String original) throws IOException {
        Path current = dest;
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = current.resolve(parts[i]);
            if (Files.isSymbolicLink(current)) {
                throw new InvalidArchiveException("archive entry \"" + original
                        + "\" would be written through the symbolic link \"" + dest.relativize(current) + "\"");
            }
            if (!Files.exists(current, NOFOLLOW)) {
                Files.createDirectory(current);
            } else if (!Files.isDirectory(current, NOFOLLOW)) {
                throw new InvalidArchiveException("archive entry \"" + original + "\" needs \""
                        + dest.relativize(current) + "\" to be a directory");
            }
        }
        return current.resolve(parts[parts.length - 1]);
    }

    private static boolean throughSymlink(Path dest, String relative) {
        Path current = dest;
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = current.resolve(parts[i]);
            if (Files.isSymbolicLink(current)) {
                return true;
            }
        }
        return false;
    }

    private void checkSymlink(String relative, String linkTarget) {
        if (linkTarget.isEmpty()) {
            throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link without a target");
        }
        if (linkTarget.startsWith("/")) {
            if (links == Links.CONFINED) {
                throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link to \""
                        + linkTarget + "\", outside the extraction directory");
            }
            return; // resolved against the container's root, which is the extraction directory
        }
        int depth = relative.split("/").length - 1; // directories above the link, inside dest
        boolean descended = false;
        for (String part : linkTarget.split("/")) {
            if (part.equals("..")) {
                // ".." after a name could climb out of a symbolic link (d/s -> .., a -> d/s/..): only leading ".."
                if (--depth < 0 || descended && links == Links.CONFINED) {
                    throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link to \""
                            + linkTarget + "\", outside the extraction directory");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
                descended = true;
            }
        }
    }

    private static void applyOwnerAndMode(Path target, TarArchiveEntry entry) throws IOException {
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
        Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
    }

    private static byte typeFlag(TarArchiveEntry entry) {
        if (entry.isFIFO()) {
            return 'p';
        }
        return entry.isGNUSparse() ? (byte) 'S' : (byte) '?';
    }
}
