package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.os.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Extracts an untrusted tar stream into a directory and never writes outside it: entries with
 * {@code ..} or absolute names, links pointing outside, device nodes, sparse entries and entries past
 * the limits are rejected (named pipes are created only in a container's root filesystem), and no path is ever resolved through a symbolic link (the archive's own or
 * anyone else's): parents are walked one by one, hard links may only name a regular file this stream
 * extracted. A truncated or corrupt stream is an {@link InvalidArchiveException}; the caller removes
 * the partial directory.
 */
public final class SafeExtractor {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final long SPACE_CHECK_BYTES = 64L << 20;

    /** How symbolic link targets are judged. */
    public enum Links {
        /**
         * Links must resolve inside the extraction directory (checkpoint images, volumes): no absolute
         * target, and {@code ..} only at the start of the target (after a name, it could climb back
         * out through another link).
         */
        CONFINED,
        /**
         * A container root filesystem: absolute targets are resolved against the container's root
         * (so /bin/sh -> /bin/busybox is fine), relative targets must not climb above it. The host
         * never resolves them; the kernel does, inside the container.
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
            return new Run(dest).extract(new TarEntries(tar, limits.maxMetadataBytes()));
        } catch (InvalidArchiveException e) {
            throw e;
        } catch (FileAlreadyExistsException e) {
            throw new InvalidArchiveException("archive entry collides with an existing file: " + e.getFile(), e);
        } catch (java.nio.file.FileSystemException e) { // its message is only the path: say what failed there
            throw new InvalidArchiveException("cannot extract " + e.getFile() + ": " + (e.getReason() != null
                    ? e.getReason() : e.getClass().getSimpleName()), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidArchiveException("archive is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    /** One extraction's state: counts, the regular files it wrote, the directory times to set last. */
    private final class Run {
        private final Path dest;
        private final FileStore store;
        private final Map<String, Object> regularFiles = new HashMap<>(); // name -> inode (fileKey)
        private final Deque<DirTime> dirTimes = new ArrayDeque<>();
        private long created;
        private long total;
        private long sinceSpaceCheck = SPACE_CHECK_BYTES; // check before the first byte

        Run(Path dest) throws IOException {
            this.dest = dest;
            this.store = Files.getFileStore(dest);
        }

        Stats extract(TarEntries tar) throws IOException {
            TarArchiveInputStream in = tar.content();
            long entries = 0;
            TarArchiveEntry entry;
            while ((entry = tar.next()) != null) {
                entries++;
                String relative = EntryNames.normalize(entry.getName());
                if (entry.isSparse()) { // GNU old, PAX 0.0/0.1/1.0 and star: expands past its stored size
                    throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is a sparse file ("
                            + entry.getRealSize() + " bytes stored as holes and data); sparse entries are not supported");
                }
                if (relative.isEmpty()) {
                    continue; // the "./" entry of the root itself
                }
                countCreated(1);
                if (entry.getSize() > limits.maxEntryBytes()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is " + entry.getSize()
                            + " bytes, over the limit of " + limits.maxEntryBytes());
                }
                Path target = prepareParents(relative, entry.getName());
                String base = target.getFileName().toString();
                if (ociWhiteouts && base.startsWith(Whiteouts.PREFIX)) {
                    byTool(entry, () -> Whiteouts.apply(target, base));
                    continue;
                }
                if (entry.isDirectory()) {
                    directory(entry, target);
                } else if (entry.isSymbolicLink()) {
                    checkSymlink(relative, entry.getLinkName());
                    FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    applyOwner(target, entry);
                } else if (entry.isLink()) {
                    hardLink(entry, relative, target);
                } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName()
                            + "\" is a device node; device nodes are not allowed");
                } else if (entry.isFIFO()) {
                    fifo(entry, target);
                } else if (entry.isFile()) { // isFile() is also true of odd types: checked after them
                    regularFile(in, entry, relative, target);
                } else {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName()
                            + "\" has an unsupported type (?)"); // sparse, devices and FIFOs were handled above
                }
            }
            while (!dirTimes.isEmpty()) { // children changed the directories' times; set them last
                DirTime d = dirTimes.pop();
                Path dir = withoutLinks(d.relative); // a later entry may have replaced a parent with a link
                if (dir != null && Files.isDirectory(dir, NOFOLLOW)) {
                    Files.setLastModifiedTime(dir, FileTime.fromMillis(d.millis));
                }
            }
            return new Stats(entries, total);
        }

        /** Files, links and directories count alike: each is an inode on the host. */
        private void countCreated(long n) {
            created += n;
            if (created > limits.maxEntries()) {
                throw new InvalidArchiveException("archive has more than " + limits.maxEntries()
                        + " entries (directories created for them included)");
            }
        }

        private void directory(TarArchiveEntry entry, Path target) throws IOException {
            if (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW)) {
                FileTrees.deleteRecursively(target); // a file or a link: the directory replaces it
            }
            if (!Files.isDirectory(target, NOFOLLOW)) {
                Files.createDirectory(target);
            }
            applyOwnerAndMode(target, entry);
            dirTimes.push(new DirTime(dest.relativize(target).toString(), entry.getLastModifiedDate().getTime()));
        }

        /**
         * A named pipe, in a container's root filesystem only: there the container's processes use it (CRIU
         * reopens the ones they held open, by path). Anywhere else Ferry itself reads the extracted files,
         * and opening a FIFO in place of a file would block that read forever.
         */
        private void fifo(TarArchiveEntry entry, Path target) throws IOException {
            if (links != Links.ROOTFS) {
                throw new InvalidArchiveException("archive entry \"" + entry.getName()
                        + "\" is a named pipe (FIFO); named pipes are only allowed in a container's root filesystem");
            }
            FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
            // mode by mkfifo, owner by lchown, no time: the JDK opens a file to set its mode or times, and
            // opening a FIFO blocks until a writer comes. Only the 0777 bits: setuid, setgid and sticky mean
            // nothing on a pipe, and mkfifo refuses them (found by fuzzing: a tool failure, not a refusal)
            byTool(entry, () -> Fifos.create(target, entry.getMode() & 0777));
            applyOwner(target, entry);
        }

        /**
         * What a tool makes (mknod, mkfifo, setfattr) fails as the JDK's own writes do, as a refused archive: its
         * path too long, the disk full (found by review: a ToolFailedException escaped the extractor).
         */
        private static void byTool(TarArchiveEntry entry, Runnable make) {
            try {
                make.run();
            } catch (ToolFailedException e) {
                throw new InvalidArchiveException("cannot extract archive entry \"" + entry.getName() + "\": "
                        + e.getMessage(), e);
            }
        }

        /** Only to a regular file written earlier by this stream, found again without following any link. */
        private void hardLink(TarArchiveEntry entry, String relative, Path target) throws IOException {
            String linked = EntryNames.normalize(entry.getLinkName());
            Object inode = regularFiles.get(linked);
            Path source = inode == null ? null : withoutLinks(linked);
            if (source == null || !Files.isRegularFile(source, NOFOLLOW) || !inode.equals(fileKey(source))) {
                throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is a hard link to \""
                        + entry.getLinkName() + "\", which is not a file extracted before it");
            }
            FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
            Files.createLink(target, source);
            regularFiles.put(relative, inode);
        }

        private void regularFile(TarArchiveInputStream in, TarArchiveEntry entry, String relative, Path target)
                throws IOException {
            FileTrees.deleteRecursively(target); // a file, link or even a directory: the entry replaces it
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (copy(in, out, entry) != entry.getSize()) {
                    throw new InvalidArchiveException("archive is truncated inside \"" + entry.getName() + "\"");
                }
            }
            applyOwnerAndMode(target, entry);
            Files.setLastModifiedTime(target, FileTime.fromMillis(entry.getLastModifiedDate().getTime()));
            regularFiles.put(relative, fileKey(target));
        }

        /** Counts the bytes really written against the limits as they come, not as the header claims. */
        private long copy(InputStream in, OutputStream out, TarArchiveEntry entry) throws IOException {
            byte[] buf = new byte[1 << 16];
            long copied = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                copied += n;
                total += n;
                if (copied > limits.maxEntryBytes()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" is over the limit of "
                            + limits.maxEntryBytes() + " bytes");
                }
                if (total > limits.maxTotalBytes()) {
                    throw new InvalidArchiveException("archive content exceeds the limit of " + limits.maxTotalBytes() + " bytes");
                }
                checkFreeSpace(entry, n);
                out.write(buf, 0, n);
            }
            return copied;
        }

        private void checkFreeSpace(TarArchiveEntry entry, int about) throws IOException {
            sinceSpaceCheck += about;
            if (sinceSpaceCheck >= SPACE_CHECK_BYTES) {
                sinceSpaceCheck = 0;
                if (store.getUsableSpace() - SPACE_CHECK_BYTES < limits.minFreeBytes()) {
                    throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" would leave less than "
                            + limits.minFreeBytes() + " bytes free on the filesystem of " + dest);
                }
            }
        }

        /** Creates missing parent directories one by one, refusing to pass through a symbolic link. */
        private Path prepareParents(String relative, String original) throws IOException {
            Path current = dest;
            String[] parts = relative.split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                current = current.resolve(parts[i]);
                if (Files.isSymbolicLink(current)) {
                    throw new InvalidArchiveException("archive entry \"" + original
                            + "\" would be written through the symbolic link \"" + dest.relativize(current) + "\"");
                }
                if (!Files.exists(current, NOFOLLOW)) {
                    countCreated(1);
                    Files.createDirectory(current);
                } else if (!Files.isDirectory(current, NOFOLLOW)) {
                    throw new InvalidArchiveException("archive entry \"" + original + "\" needs \""
                            + dest.relativize(current) + "\" to be a directory");
                }
            }
            return current.resolve(parts[parts.length - 1]);
        }

        /** {@code dest/relative} when no parent on the way is a symbolic link (the last part may be one), else null. */
        private Path withoutLinks(String relative) {
            Path current = dest;
            String[] parts = relative.split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                current = current.resolve(parts[i]);
                if (!Files.isDirectory(current, NOFOLLOW)) {
                    return null;
                }
            }
            return current.resolve(parts[parts.length - 1]);
        }
    }

    private record DirTime(String relative, long millis) {
    }

    private void checkSymlink(String relative, String linkTarget) {
        if (linkTarget.isEmpty()) {
            throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link without a target");
        }
        if (linkTarget.indexOf('\0') >= 0) {
            throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link whose target contains a NUL byte");
        }
        if (linkTarget.startsWith("/")) {
            if (links == Links.CONFINED) {
                throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link to \""
                        + linkTarget + "\", outside the extraction directory");
            }
            return; // resolved against the container's root, which is the extraction directory
        }
        int depth = relative.split("/").length - 1; // directories above the link, inside dest
        boolean named = false;
        for (String part : linkTarget.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link to \""
                            + linkTarget + "\", outside the extraction directory");
                }
                if (named && links == Links.CONFINED) { // "a/.." is not where "a" leads when "a" is a link
                    throw new InvalidArchiveException("archive entry \"" + relative + "\" is a symbolic link to \""
                            + linkTarget + "\": in a confined archive \"..\" may only lead the target");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
                named = true;
            }
        }
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, NOFOLLOW).fileKey();
    }

    private static void applyOwnerAndMode(Path target, TarArchiveEntry entry) throws IOException {
        applyOwner(target, entry);
        Files.setAttribute(target, "unix:mode", entry.getMode() & 07777, NOFOLLOW);
    }

    private static void applyOwner(Path target, TarArchiveEntry entry) throws IOException {
        Files.setAttribute(target, "unix:uid", id("user", entry.getLongUserId(), entry), NOFOLLOW);
        Files.setAttribute(target, "unix:gid", id("group", entry.getLongGroupId(), entry), NOFOLLOW);
    }

    /** A uid/gid as the kernel takes it: 0..2^32-2 (2^32-1 means "leave unchanged"; a larger one would wrap to root). */
    private static int id(String what, long id, TarArchiveEntry entry) {
        if (id < 0 || id > 0xFFFF_FFFEL) {
            throw new InvalidArchiveException("archive entry \"" + entry.getName() + "\" has " + what + " id " + id
                    + ", outside 0.." + 0xFFFF_FFFEL);
        }
        return (int) id;
    }
}
