package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.SafeExtractor;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SafeExtractor on hostile tars, in every links mode, with and without OCI whiteouts: only
 * InvalidArchiveException escapes, nothing outside the destination is created or linked (a canary
 * directory beside it stays as it was, its file keeps one link), every hard link in the result is
 * between files of the result, every symbolic link of a confined extraction resolves inside it, and
 * the bytes written stay within the limits.
 *
 * <p>The last input byte picks the mode (FuzzedDataProvider takes numbers from the end); then either raw tar bytes (to reach the header parser) or
 * entries built from a small vocabulary of names and link targets (to reach the link and path logic,
 * which a raw mutation rarely gets past the header checksum).
 */
class TarExtractionFuzzTest {
    private static final ArchiveLimits LIMITS = new ArchiveLimits(4096, 1024, 64, 1024);
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final String[] PARTS = {"a", "b", "d", "..", ".", "", "etc", "passwd", "canary", "f", ".wh.a",
            ".wh..wh..opq", ".wh.", "s"};
    private static final String[] TARGETS = {"..", "../..", "../canary", "../canary/f", "/", "/etc", "/etc/passwd",
            "a", "d/s", "d/s/..", "s/..", ".", "./.."};

    @FuzzTest
    void extractionStaysInsideItsDirectory(FuzzedDataProvider data) throws IOException {
        int mode = data.consumeInt(0, 7);
        SafeExtractor.Links links = (mode & 1) == 0 ? SafeExtractor.Links.CONFINED : SafeExtractor.Links.ROOTFS;
        boolean whiteouts = (mode & 2) != 0;
        byte[] tar = (mode & 4) != 0 ? data.consumeRemainingAsBytes() : buildTar(data);

        Path root = Files.createTempDirectory("ferry-fuzz-tar");
        try {
            Path dest = root.resolve("dest");
            Path canary = Files.createDirectories(root.resolve("canary"));
            Path canaryFile = Files.writeString(canary.resolve("f"), "canary");
            SafeExtractor.Stats stats = null;
            try {
                stats = new SafeExtractor(LIMITS, links, whiteouts).extract(new ByteArrayInputStream(tar), dest);
            } catch (InvalidArchiveException refused) {
                // the only failure allowed; the partial result must still be harmless
            }
            assertThat(list(root)).containsExactlyInAnyOrder(canary, dest);
            assertThat(list(canary)).containsExactly(canaryFile);
            assertThat(Files.readString(canaryFile)).isEqualTo("canary");
            assertThat(Files.getAttribute(canaryFile, "unix:nlink")).isEqualTo(1);
            if (Files.isDirectory(dest, NOFOLLOW)) {
                checkResult(dest, links);
            }
            if (stats != null) {
                assertThat(stats.bytes()).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
                assertThat(stats.entries()).isLessThanOrEqualTo(LIMITS.maxEntries());
            }
        } finally {
            FileTrees.deleteRecursively(root);
        }
    }

    /** Hard links only among the result's own files; confined links resolve inside; sizes within the limits. */
    private static void checkResult(Path dest, SafeExtractor.Links links) throws IOException {
        Map<Object, Integer> namesPerInode = new HashMap<>();
        Map<Object, Long> linksPerInode = new HashMap<>();
        long bytes = 0;
        try (Stream<Path> all = Files.walk(dest)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p, NOFOLLOW)) {
                    Object inode = Files.getAttribute(p, "unix:ino", NOFOLLOW);
                    if (namesPerInode.merge(inode, 1, Integer::sum) == 1) {
                        long size = Files.size(p);
                        assertThat(size).as("size of %s", p).isLessThanOrEqualTo(LIMITS.maxEntryBytes());
                        bytes += size;
                    }
                    linksPerInode.put(inode, ((Integer) Files.getAttribute(p, "unix:nlink", NOFOLLOW)).longValue());
                } else if (Files.isSymbolicLink(p) && links == SafeExtractor.Links.CONFINED) {
                    assertThat(staysInside(dest, p)).as("symbolic link %s -> %s stays inside", dest.relativize(p),
                            Files.readSymbolicLink(p)).isTrue();
                }
            }
        }
        assertThat(bytes).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
        namesPerInode.forEach((inode, names) -> assertThat(linksPerInode.get(inode))
                .as("links of inode %s, all of them inside the result", inode).isEqualTo(names.longValue()));
    }

    /** Resolves a link the way the kernel would, following links met on the way; false once it leaves dest. */
    private static boolean staysInside(Path dest, Path link) throws IOException {
        Deque<String> at = new ArrayDeque<>(); // components below dest
        for (Path part : dest.relativize(link.getParent() == null ? dest : link.getParent())) {
            if (!part.toString().isEmpty()) {
                at.addLast(part.toString());
            }
        }
        Deque<String> todo = new ArrayDeque<>(List.of(Files.readSymbolicLink(link).toString().split("/")));
        if (Files.readSymbolicLink(link).isAbsolute()) {
            return false;
        }
        int expansions = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (at.pollLast() == null) {
                    return false;
                }
                continue;
            }
            Path here = dest.resolve(String.join("/", at)).resolve(c);
            if (Files.isSymbolicLink(here)) {
                if (++expansions > 40) {
                    return true; // a loop: the kernel gives ELOOP, nothing is reached
                }
                Path target = Files.readSymbolicLink(here);
                if (target.isAbsolute()) {
                    return false;
                }
                List<String> parts = List.of(target.toString().split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else {
                at.addLast(c);
            }
        }
        return true;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Up to 12 entries: a name and link target from the vocabulary (or free text), a type and some content. */
    private static byte[] buildTar(FuzzedDataProvider data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            out.setAddPaxHeadersForNonAsciiNames(true);
            int count = data.consumeInt(1, 12);
            for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
                byte type = data.pickValue(new byte[]{'0', '5', '2', '1', '3', '4', '6', '7', 'S', 'x'});
                String name = path(data, PARTS, 4);
                TarArchiveEntry e = new TarArchiveEntry(name.isEmpty() ? "./" : name, type, true);
                e.setMode(data.consumeInt(0, 07777));
                if (type == '1' || type == '2') {
                    e.setLinkName(data.consumeBoolean() ? data.pickValue(TARGETS) : path(data, PARTS, 3));
                }
                byte[] content = type == '0' || type == '7'
                        ? data.consumeString(data.consumeInt(0, 1100)).getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
                e.setSize(content.length);
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            }
        } catch (IllegalArgumentException | IOException unwritable) {
            // a name commons-compress will not write: extract what was written so far
        }
        return buf.toByteArray();
    }

    private static String path(FuzzedDataProvider data, String[] vocabulary, int maxParts) {
        if (data.consumeInt(0, 7) == 0) {
            return data.consumeString(40);
        }
        StringBuilder s = new StringBuilder(data.consumeBoolean() ? "" : "/");
        int n = data.consumeInt(1, maxParts);
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : "/").append(data.pickValue(vocabulary));
        }
        return s.toString().startsWith("/") && data.consumeBoolean() ? s.substring(1) : s.toString();
    }
}
