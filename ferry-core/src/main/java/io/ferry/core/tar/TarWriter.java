package io.ferry.core.tar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Writes a tar stream entry by entry (files are streamed from disk, never held in memory), keeping
 * owners, modes, symbolic links, hard links and named pipes (FIFOs) as they are on disk. Sockets and
 * device nodes are refused by name: a caller that expects them skips them first.
 */
public final class TarWriter implements AutoCloseable {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final TarArchiveOutputStream tar;
    private final Map<String, String> hardLinks = new HashMap<>(); // "dev:ino" -> first entry name
    private boolean ociWhiteouts;

    /**
     * Writes overlayfs whiteouts (character devices 0/0, as an unpacked image layer holds them) as
     * OCI {@code .wh.NAME} entries, and opaque directories with a {@code .wh..wh..opq} entry, for
     * pushing a layer to a registry.
     */
    public TarWriter withOciWhiteouts() {
        this.ociWhiteouts = true;
        return this;
    }

    public TarWriter(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    public void addBytes(String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0100644);
        e.setModTime(new Date());
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** A file Ferry wrote itself (spec, log snapshot, nested tars): read by its path. */
    public void addFile(String name, Path file) throws IOException {
        addPath(name, file, null, () -> Files.newInputStream(file));
    }

    /**
     * Adds every entry below {@code dir} as {@code prefix/relative/path}; prefix "" for the top level.
     * A running container may still change the tree (a volume, or its writable layer with
     * --leave-running): every directory is opened and every file read relative to its parent's open
     * descriptor without following a link, so swapping one for a link to a host path between check
     * and read never gets a host file archived; an entry that changed meanwhile fails the archive.
     */
    public void addTree(String prefix, Path dir, Predicate<Path> skip) throws IOException {
        Set<String> opaque = ociWhiteouts ? OpaqueDirs.in(dir) : Set.of();
        BasicFileAttributes top = Files.readAttributes(dir, BasicFileAttributes.class);
        if (!prefix.isEmpty()) {
            addPath(prefix, dir, null, null);
        }
        if (opaque.contains("")) {
            addOpaqueMarker(join(prefix, Whiteouts.OPAQUE), top.lastModifiedTime());
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("cannot archive " + dir + " safely: no SecureDirectoryStream on this platform");
            }
            walk(secure, dir, prefix, skip, opaque);
        }
    }

    private void walk(SecureDirectoryStream<Path> parent, Path top, String prefix, Predicate<Path> skip,
                      Set<String> opaque) throws IOException {
        for (Path child : parent) {
            Path name = child.getFileName();
            BasicFileAttributes attrs = parent.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
                    .readAttributes();
            if (skip.test(child)) {
                continue;
            }
            String rel = top.relativize(child).toString();
            if (attrs.isDirectory()) {
                addPath(join(prefix, rel), child, attrs.fileKey(), null);
                if (opaque.contains(rel)) {
                    addOpaqueMarker(join(join(prefix, rel), Whiteouts.OPAQUE), attrs.lastModifiedTime());
                }
                try (SecureDirectoryStream<Path> sub = parent.newDirectoryStream(name, NOFOLLOW)) {
                    walk(sub, top, prefix, skip, opaque);
                }
            } else {
                addPath(join(prefix, rel), child, attrs.fileKey(), () -> Channels.newInputStream(
                        parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))));
            }
        }
    }

    /** Opens a regular file's content. */
    private interface Content {
        InputStream open() throws IOException;
    }

    private static String join(String prefix, String rel) {
        if (prefix.isEmpty()) {
            return rel;
        }
        return rel.isEmpty() ? prefix : prefix + "/" + rel;
    }

    /** {@code expected}: the inode found through the parent's descriptor, which the path must still name. */
    private void addPath(String name, Path path, Object expected, Content content) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,ino,dev,nlink,size,lastModifiedTime,fileKey",
                NOFOLLOW);
        if (expected != null && !expected.equals(unix.get("fileKey"))) {
            throw new IOException(path + " changed while it was being archived");
        }
        int mode = (Integer) unix.get("mode");
        TarArchiveEntry e;
        boolean withContent = false;
        if (Files.isSymbolicLink(path)) {
            e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(path).toString());
        } else if (Files.isDirectory(path, NOFOLLOW)) {
            e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        } else if (Files.isRegularFile(path, NOFOLLOW)) {
            String key = unix.get("dev") + ":" + unix.get("ino");
            String first = (Integer) unix.get("nlink") > 1 ? hardLinks.putIfAbsent(key, name) : null;
            if (first != null) {
                e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                e.setLinkName(first);
            } else {
                e = new TarArchiveEntry(name);
                e.setSize((Long) unix.get("size"));
                withContent = true;
            }
        } else if (ociWhiteouts && Whiteouts.isOverlayWhiteout(path)) {
            int slash = name.lastIndexOf('/');
            e = new TarArchiveEntry(name.substring(0, slash + 1) + ".wh." + name.substring(slash + 1));
            e.setSize(0);
            mode = 0100644;
        } else if (FileTypes.isFifo(mode)) { // a named pipe: its inode, never its (transient) content
            e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
        } else {
            throw new IOException("cannot archive " + path + ": it is " + FileTypes.describe(mode)
                    + " (only files, directories, symbolic links and named pipes are archived)");
        }
        e.setMode(mode);
        e.setUserId((Integer) unix.get("uid"));
        e.setGroupId((Integer) unix.get("gid"));
        e.setModTime(((java.nio.file.attribute.FileTime) unix.get("lastModifiedTime")).toMillis());
        tar.putArchiveEntry(e);
        if (withContent) {
            copyExactly(path, content, e.getSize());
        }
        tar.closeArchiveEntry();
    }

    /** The OCI opaque-directory marker: an empty file, dated like its directory so a layer's digest is stable. */
    private void addOpaqueMarker(String name, FileTime dirTime) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(0);
        e.setMode(0100644);
        e.setModTime(dirTime.toMillis());
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** Copies the first {@code size} bytes: a log may grow after its header was written. */
    private void copyExactly(Path path, Content content, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        try (InputStream in = content.open()) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(path + " shrank while it was being archived");
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** Writes the end-of-archive records; the underlying stream stays open. */
    public void finish() throws IOException {
        tar.finish();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
