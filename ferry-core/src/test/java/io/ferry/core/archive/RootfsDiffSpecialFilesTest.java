package io.ferry.core.archive;

import io.ferry.core.exec.Commands;
import io.ferry.core.tar.ArchiveLimits;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Named pipes and unix socket files in a writable layer (issue 13): the FIFO travels as a tar FIFO entry
 * and comes back with its mode and owner, the socket file is left out and named, and a file the diff
 * cannot hold fails with its path and the reason.
 */
class RootfsDiffSpecialFilesTest {
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private static void mkfifo(Path p, String mode) throws IOException {
        Files.createDirectories(p.getParent());
        Commands.check("mkfifo", List.of("mkfifo", "-m", mode, p.toString()), QUICK);
    }

    private static Map<String, TarArchiveEntry> entries(Path tar) throws IOException {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                out.put(e.getName(), e);
            }
        }
        return out;
    }

    @Test
    void aFifoIsArchivedAndRestoredWithItsModeAndOwnerAndASocketFileIsSkippedByName() throws IOException {
        Path upper = tmp.resolve("upper");
        mkfifo(upper.resolve("tmp/pipe"), "620");
        Files.setAttribute(upper.resolve("tmp/pipe"), "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(upper.resolve("tmp/pipe"), "unix:gid", 1001, LinkOption.NOFOLLOW_LINKS);
        Files.writeString(upper.resolve("tmp/file"), "data");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(upper.resolve("tmp/app.sock")));

            RootfsDiff.Captured c = RootfsDiff.capture(upper, List.of(), Set.of(), tmp.resolve("diff.tar"));

            Map<String, TarArchiveEntry> entries = entries(c.tar());
            assertThat(entries).containsKeys("tmp/", "tmp/file", "tmp/pipe").doesNotContainKey("tmp/app.sock");
            assertThat(entries.get("tmp/pipe").isFIFO()).isTrue();
            assertThat(c.skippedSockets()).containsExactly("/tmp/app.sock");
            assertThat(c.skippedNote()).hasValueSatisfying(n -> assertThat(n).contains("/tmp/app.sock"));

            Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
            RootfsDiff.apply(c.tar(), c.deleted(), rootfs, ArchiveLimits.defaults());

            Path pipe = rootfs.resolve("tmp/pipe");
            assertThat(Files.getAttribute(pipe, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010620);
            assertThat(Files.getAttribute(pipe, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);
            assertThat(Files.getAttribute(pipe, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1001);
            assertThat(Files.readString(rootfs.resolve("tmp/file"))).isEqualTo("data");
            assertThat(rootfs.resolve("tmp/app.sock")).doesNotExist();
        }
    }

    /**
     * The socket files' names are the container's: the note printed to the terminal escapes their control
     * characters, and names only the first few of many (a container may bind thousands).
     */
    @Test
    void theNoteEscapesTheNamesAndNamesOnlyTheFirstFew() {
        List<String> sockets = new java.util.ArrayList<>();
        sockets.add("/tmp/a\u001b]0;owned\u0007\nWARN: all good.sock");
        for (int i = 0; i < 10_000; i++) {
            sockets.add("/run/s" + i + ".sock");
        }

        String note = new RootfsDiff.Captured(tmp.resolve("diff.tar"), List.of(), sockets).skippedNote().orElseThrow();

        assertThat(note).doesNotContain("\u001b").doesNotContain("\n").doesNotContain("\u0007")
                .contains("/tmp/a\\u001b]0;owned\\u0007\\nWARN: all good.sock").contains("/run/s0.sock")
                .contains("and 9981 more");
        assertThat(note.length()).isLessThan(4096);
    }

    @Test
    void aLayerWithoutSocketsHasNoNote() throws IOException {
        Path upper = tmp.resolve("upper");
        mkfifo(upper.resolve("run/fifo"), "600");

        RootfsDiff.Captured c = RootfsDiff.capture(upper, List.of(), Set.of(), tmp.resolve("diff.tar"));

        assertThat(c.skippedSockets()).isEmpty();
        assertThat(c.skippedNote()).isEmpty();
    }

    /** The cause used to be lost: only "cannot capture the container's root filesystem changes" was said. */
    @Test
    void aFileTheDiffCannotHoldFailsNamingTheFileAndWhy() throws IOException {
        Path upper = tmp.resolve("upper");
        Files.createDirectories(upper.resolve("dev"));
        Commands.check("mknod", List.of("mknod", upper.resolve("dev/null").toString(), "c", "1", "3"), QUICK);

        assertThatThrownBy(() -> RootfsDiff.capture(upper, List.of(), Set.of(), tmp.resolve("diff.tar")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot capture the container's root filesystem changes: ")
                .hasMessageContaining(upper.resolve("dev/null").toString())
                .hasMessageContaining("it is a character device");
    }

    @Test
    void aFileSystemErrorNamesTheFileAndTheReason() {
        assertThat(RootfsDiff.why(new java.nio.file.NoSuchFileException("/u/tmp/x")))
                .isEqualTo("/u/tmp/x: it was removed while the changes were being archived");
        assertThat(RootfsDiff.why(new java.nio.file.FileSystemException("/u/tmp/y", null, "Input/output error")))
                .isEqualTo("/u/tmp/y: Input/output error");
        assertThat(RootfsDiff.why(new java.nio.file.NoSuchFileException("/u/tmp/a\nERROR z")))
                .as("the container's file name, escaped").startsWith("/u/tmp/a\\nERROR z: ");
        assertThat(RootfsDiff.why(new IOException("cannot archive /u/a\nb: it is a block device")))
                .isEqualTo("cannot archive /u/a\\nb: it is a block device");
    }
}
