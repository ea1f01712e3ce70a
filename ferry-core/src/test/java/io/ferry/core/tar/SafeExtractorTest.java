package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeExtractorTest {
    @TempDir
    Path tmp;

    private final ArchiveLimits limits = ArchiveLimits.defaults();

    /** Builds a tar in memory; each entry is given with its content. */
    private static byte[] tar(Object... entriesAndContent) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < entriesAndContent.length; i += 2) {
                TarArchiveEntry e = (TarArchiveEntry) entriesAndContent[i];
                byte[] content = ((String) entriesAndContent[i + 1]).getBytes(StandardCharsets.UTF_8);
                if (!e.isDirectory() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice()) {
                    e.setSize(content.length);
                }
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            }
        }
        return buf.toByteArray();
    }

    private static TarArchiveEntry link(String name, byte type, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setLinkName(target);
        return e;
    }

    private Path extract(byte[] tar, SafeExtractor.Links links) {
        Path dest = tmp.resolve("dest");
        new SafeExtractor(limits, links).extract(new ByteArrayInputStream(tar), dest);
        return dest;
    }

    @Test
    void extractsFilesDirectoriesAndLinksWithTheirModes() throws IOException {
        TarArchiveEntry script = new TarArchiveEntry("bin/run.sh");
        script.setMode(0100755);
        Path dest = extract(tar(new TarArchiveEntry("bin/"), "", script, "#!/bin/sh\n",
                link("bin/sh", TarConstants.LF_SYMLINK, "/bin/busybox"), "",
                link("bin/again.sh", TarConstants.LF_LINK, "bin/run.sh"), ""), SafeExtractor.Links.ROOTFS);

        assertThat(Files.readString(dest.resolve("bin/run.sh"))).isEqualTo("#!/bin/sh\n");
        assertThat(Files.isExecutable(dest.resolve("bin/run.sh"))).isTrue();
        assertThat(Files.readSymbolicLink(dest.resolve("bin/sh")).toString()).isEqualTo("/bin/busybox");
        assertThat(Files.getAttribute(dest.resolve("bin/again.sh"), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void dotDotEntriesAreRefused() {
        assertThatThrownBy(() -> extract(tar(new TarArchiveEntry("a/../../escape"), "x"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"a/../../escape\" escapes the extraction directory (..)");
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void namesTheKernelWouldRefuseAreRefusedByName() {
        String longComponent = "a/" + "x".repeat(256);
        assertThatThrownBy(() -> extract(tar(new TarArchiveEntry(longComponent), "x"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("has a name component longer than 255 bytes");
        String longPath = "d/".repeat(2100) + "f";
        assertThatThrownBy(() -> extract(tar(new TarArchiveEntry(longPath), "x"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageStartingWith("archive entry name is longer than 4096 bytes");
        String forged = "x".repeat(300) + "\nError: forged"; // the refusal shows it escaped, on one line
        assertThatThrownBy(() -> extract(tar(new TarArchiveEntry(forged), "x"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class).hasMessageNotContaining("\n");
    }

    @Test
    void absoluteEntriesAreRefused() {
        assertThatThrownBy(() -> extract(tar(new TarArchiveEntry("/etc/evil", true), "x"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"/etc/evil\" has an absolute path");
    }

    @Test
    void relativeLinksClimbingOutAreRefusedInEveryMode() {
        for (SafeExtractor.Links mode : SafeExtractor.Links.values()) {
            assertThatThrownBy(() -> extract(tar(link("a/b", TarConstants.LF_SYMLINK, "../../x"), ""), mode))
                    .isInstanceOf(InvalidArchiveException.class)
                    .hasMessageContaining("outside the extraction directory");
        }
    }

    @Test
    void absoluteLinksAreContainerPathsInARootfsButRefusedElsewhere() throws IOException {
        assertThat(Files.isSymbolicLink(extract(tar(link("etc", TarConstants.LF_SYMLINK, "/etc"), ""),
                SafeExtractor.Links.ROOTFS).resolve("etc"))).isTrue();
        assertThatThrownBy(() -> new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(
                new ByteArrayInputStream(tar(link("etc", TarConstants.LF_SYMLINK, "/etc"), "")), tmp.resolve("other")))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"etc\" is a symbolic link to \"/etc\", outside the extraction directory");
    }

    @Test
    void nothingIsWrittenThroughASymlink() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        // rootfs mode accepts the absolute link itself; writing through it must still be refused
        assertThatThrownBy(() -> extract(tar(link("etc", TarConstants.LF_SYMLINK, outside.toString()), "",
                new TarArchiveEntry("etc/passwd"), "pwned"), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"etc/passwd\" would be written through the symbolic link \"etc\"");
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aSymlinkIsReplacedNotFollowedWhenAFileOfTheSameNameComes() throws IOException {
        Path victim = Files.writeString(tmp.resolve("victim"), "safe");
        Path dest = extract(tar(link("f", TarConstants.LF_SYMLINK, "/" + victim), "",
                new TarArchiveEntry("f"), "new"), SafeExtractor.Links.ROOTFS);
        assertThat(Files.readString(victim)).isEqualTo("safe");
        assertThat(Files.isSymbolicLink(dest.resolve("f"))).isFalse();
        assertThat(Files.readString(dest.resolve("f"))).isEqualTo("new");
    }

    @Test
    void aFileReplacesADirectoryOfTheSameName() throws IOException {
        Path dest = tmp.resolve("dest");
        Files.createDirectories(dest.resolve("data/old"));
        Files.writeString(dest.resolve("data/old/file"), "from the image");

        extract(tar(new TarArchiveEntry("data"), "now a file"), SafeExtractor.Links.ROOTFS);

        assertThat(dest.resolve("data")).isRegularFile().hasContent("now a file");
    }

    @Test
    void hardLinksMustPointAtAnExtractedFile() {
        assertThatThrownBy(() -> extract(tar(link("h", TarConstants.LF_LINK, "etc/shadow"), ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is a hard link to \"etc/shadow\", which is not a file extracted before it");
    }

    @Test
    void deviceNodesAreRefused() {
        TarArchiveEntry dev = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK);
        assertThatThrownBy(() -> extract(tar(dev, ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"dev/sda\" is a device node; device nodes are not allowed");
        TarArchiveEntry chr = new TarArchiveEntry("dev/null", TarConstants.LF_CHR);
        assertThatThrownBy(() -> extract(tar(chr, ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"dev/null\" is a device node; device nodes are not allowed");
    }

    @Test
    void aFifoIsCreatedInARootfsWithItsModeAndOwner() throws IOException {
        TarArchiveEntry fifo = new TarArchiveEntry("run/app/fifo", TarConstants.LF_FIFO);
        fifo.setMode(0010640);
        fifo.setUserId(1234);
        fifo.setGroupId(5678);
        fifo.setModTime(1_700_000_000_000L);

        extract(tar(fifo, ""), SafeExtractor.Links.ROOTFS);

        Path p = tmp.resolve("dest/run/app/fifo");
        assertThat(Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010640);
        assertThat(Files.getAttribute(p, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(p, "unix:gid")).isEqualTo(5678);
    }

    /** Found by fuzzing: mkfifo refuses setuid/setgid/sticky bits, which mean nothing on a pipe. */
    @Test
    void aFifoWithSpecialModeBitsIsCreatedWithItsPermissionBits() throws IOException {
        TarArchiveEntry fifo = new TarArchiveEntry("fifo", TarConstants.LF_FIFO);
        fifo.setMode(0017755);

        extract(tar(fifo, ""), SafeExtractor.Links.ROOTFS);

        assertThat(Files.getAttribute(tmp.resolve("dest/fifo"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0010755);
    }

    /** Found by review: mkfifo's failure (here: the path too long for the kernel) is a refused archive too. */
    @Test
    void aFifoThatCannotBeMadeIsARefusedArchive() throws IOException {
        String dir = ("d".repeat(255) + "/").repeat(15); // the directories fit in PATH_MAX, the pipe does not
        TarArchiveEntry fifo = new TarArchiveEntry(dir + "p".repeat(250), TarConstants.LF_FIFO);

        assertThatThrownBy(() -> extract(tar(fifo, ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("cannot extract archive entry")
                .hasMessageContaining("File name too long");
    }

    /** Found by review: a uid past 2^32-2 was cast to int, 2^32 becoming root's 0. */
    @Test
    void anOwnerIdOutsideTheKernelsRangeIsRefused() throws IOException {
        TarArchiveEntry file = new TarArchiveEntry("f");
        file.setUserId(1L << 32);
        file.setSize(1);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            out.putArchiveEntry(file);
            out.write('x');
            out.closeArchiveEntry();
        }

        assertThatThrownBy(() -> extract(buf.toByteArray(), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"f\" has user id 4294967296, outside 0..4294967294");
    }

    @Test
    void aFifoReplacesAFileOfTheSameNameInARootfs() throws IOException {
        TarArchiveEntry file = new TarArchiveEntry("fifo");
        TarArchiveEntry fifo = new TarArchiveEntry("fifo", TarConstants.LF_FIFO);

        extract(tar(file, "was a file", fifo, ""), SafeExtractor.Links.ROOTFS);

        assertThat((Integer) Files.getAttribute(tmp.resolve("dest/fifo"), "unix:mode") & 0170000).isEqualTo(0010000);
    }

    /** Ferry reads what it extracts elsewhere (CRIU images, volumes): a FIFO there would block that read forever. */
    @Test
    void aFifoOutsideARootfsIsRefusedByName() {
        TarArchiveEntry fifo = new TarArchiveEntry("inventory.img", TarConstants.LF_FIFO);
        assertThatThrownBy(() -> extract(tar(fifo, ""), SafeExtractor.Links.CONFINED))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"inventory.img\" is a named pipe (FIFO); named pipes are only allowed in a"
                        + " container's root filesystem");
    }

    @Test
    void limitsOnEntriesSizesAndCountsHold() throws IOException {
        byte[] twoFiles = tar(new TarArchiveEntry("a"), "12345", new TarArchiveEntry("b"), "67890");
        assertThatThrownBy(() -> new SafeExtractor(new ArchiveLimits(100, 4, 10, 10), SafeExtractor.Links.ROOTFS)
                .extract(new ByteArrayInputStream(twoFiles), tmp.resolve("x1")))
                .hasMessage("archive entry \"a\" is 5 bytes, over the limit of 4");
        assertThatThrownBy(() -> new SafeExtractor(new ArchiveLimits(8, 8, 10, 10), SafeExtractor.Links.ROOTFS)
                .extract(new ByteArrayInputStream(twoFiles), tmp.resolve("x2")))
                .hasMessage("archive content exceeds the limit of 8 bytes");
        assertThatThrownBy(() -> new SafeExtractor(new ArchiveLimits(100, 100, 1, 10), SafeExtractor.Links.ROOTFS)
                .extract(new ByteArrayInputStream(twoFiles), tmp.resolve("x3")))
                .hasMessage("archive has more than 1 entries (directories created for them included)");
    }

    @Test
    void aTruncatedTarIsAnError() throws IOException {
        byte[] whole = tar(new TarArchiveEntry("big"), "x".repeat(5000));
        assertThatThrownBy(() -> extract(Arrays.copyOf(whole, 2000), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aHardLinkThroughAnExtractedSymlinkNeverReachesAHostFile() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Path victim = Files.writeString(host.resolve("victim"), "host secret");
        // rootfs mode accepts the absolute link (a container path); the hard link must not resolve through it
        assertThatThrownBy(() -> extract(tar(link("etc", TarConstants.LF_SYMLINK, host.toString()), "",
                link("evil", TarConstants.LF_LINK, "etc/victim"), ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"evil\" is a hard link to \"etc/victim\", which is not a file extracted before it");
        assertThat(Files.getAttribute(victim, "unix:nlink")).isEqualTo(1);
        assertThat(victim).hasContent("host secret");
        assertThat(tmp.resolve("dest/evil")).doesNotExist();
    }

    @Test
    void aHardLinkToAFileTheArchiveDidNotWriteIsRefused() throws IOException {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Path present = Files.writeString(dest.resolve("present"), "already there");
        assertThatThrownBy(() -> extract(tar(link("h", TarConstants.LF_LINK, "present"), ""), SafeExtractor.Links.ROOTFS))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"h\" is a hard link to \"present\", which is not a file extracted before it");
        assertThat(Files.getAttribute(present, "unix:nlink")).isEqualTo(1);
    }

    @Test
    void aDeepSymlinkHardLinkedToTheTopCannotEscapeTheConfinedMode() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret"), "host secret");
        Path dest = tmp.resolve("one/two/dest");
        // inside at a/b/c (it climbs three levels), outside when hard-linked to the top
        byte[] tar = tar(link("a/b/c/s", TarConstants.LF_SYMLINK, "../../../secret"), "",
                link("ctr.log", TarConstants.LF_LINK, "a/b/c/s"), "");
        assertThatThrownBy(() -> new SafeExtractor(limits, SafeExtractor.Links.CONFINED)
                .extract(new ByteArrayInputStream(tar), dest))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"ctr.log\" is a hard link to \"a/b/c/s\", which is not a file extracted before it");
        assertThat(dest.resolve("ctr.log")).doesNotExist();
        assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
    }

    @Test
    void chainedSymlinksCannotClimbOutOfTheConfinedMode() throws IOException {
        Files.writeString(tmp.resolve("secret"), "host secret");
        Path dest = tmp.resolve("one/dest");
        // a/up is the directory itself; a/up/a/up/../.. is lexically inside, but really two levels above it
        byte[] tar = tar(link("a/up", TarConstants.LF_SYMLINK, ".."), "",
                link("ctr.log", TarConstants.LF_SYMLINK, "a/up/a/up/../../secret"), "");
        assertThatThrownBy(() -> new SafeExtractor(limits, SafeExtractor.Links.CONFINED)
                .extract(new ByteArrayInputStream(tar), dest))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessage("archive entry \"ctr.log\" is a symbolic link to \"a/up/a/up/../../secret\": in a confined"
                        + " archive \"..\" may only lead the target");
        assertThat(dest.resolve("ctr.log")).doesNotExist();
    }

    @Test
    void directoryTimesAreNeverSetThroughALaterSymlink() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host/b"));
        FileTime before = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(host, before);
        TarArchiveEntry a = new TarArchiveEntry("a/");
        TarArchiveEntry ab = new TarArchiveEntry("a/b/");
        ab.setModTime(946_684_800_000L);
        // a/b's time is set at the end, when "a" has become a link to the host directory
        extract(tar(a, "", ab, "", link("a", TarConstants.LF_SYMLINK, host.getParent().toString()), ""),
                SafeExtractor.Links.ROOTFS);
        assertThat(Files.getLastModifiedTime(host)).isEqualTo(before);
    }
}
