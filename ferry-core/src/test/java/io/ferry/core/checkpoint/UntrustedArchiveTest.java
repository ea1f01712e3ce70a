package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.TestHost;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives are untrusted: each hostile or broken archive is refused with a specific error, nothing
 * is written outside the extraction directory, and no container, namespace or mount is left behind.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntrustedArchiveTest {
    private TestHost source;
    private TestHost target;
    private Path dir;
    private Path archive;
    private Path volumeArchive;
    private Path sentinel;
    private Path victim;

    @BeforeAll
    void checkpointALooper() throws IOException {
        source = TestHost.create("evil");
        dir = Files.createTempDirectory("ferry-evil");
        archive = source.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults());
        source.run("vlooper", TestHost.LOOPER, "vdata:/data");
        source.log("vlooper").awaitNumberAtLeast(1, java.time.Duration.ofSeconds(20));
        volumeArchive = dir.resolve("vlooper.tar.zst");
        source.engine().checkpoint("vlooper", CheckpointOptions.defaults(), ArchiveTarget.file(volumeArchive)).result();
        // a host file on the same filesystem as the target's state root: a hard link to it would work
        victim = Files.writeString(dir.resolve("victim"), "host secret\n");
        target = TestHost.create("evilt", EngineSettings.defaults().withArchiveLimits(
                ArchiveLimits.defaults().withMaxTotalBytes(8L << 20)));
        // entries aim here: the state root's parent, outside every extraction directory
        sentinel = target.host().root().getParent().resolve("pwned-" + target.host().id());
    }

    @AfterAll
    void cleanUp() {
        source.close();
        target.close();
        FileTrees.deleteRecursively(dir);
    }

    @AfterEach
    void nothingWasCreatedOrWrittenOutside() throws IOException {
        assertThat(sentinel).doesNotExist();
        assertThat(victim).hasContent("host secret\n");
        assertThat(Files.getAttribute(victim, "unix:nlink")).as("links to the host file").isEqualTo(1);
        assertThat(target.leftoverContainerDirs()).isEmpty();
        assertThat(target.leftoverNetns()).isEmpty();
        assertThat(target.leftoverMounts()).isEmpty();
        try (var staging = Files.list(target.host().tmp())) {
            assertThat(staging.toList()).as("staging directories").isEmpty();
        } catch (java.nio.file.NoSuchFileException fine) {
            // never created
        }
    }

    private void assertRefused(Path bad, String message) {
        assertThatThrownBy(() -> target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining(message);
    }

    private Path with(String name, TarArchiveEntry entry, byte[] content) {
        entry.setSize(content.length);
        return new ArchiveRewriter().add(entry, content).writeTo(archive, dir.resolve(name));
    }

    private String escape() {
        // from <staging>/checkpoint/ up to the test root: staging is <root>/tmp/restore-x/
        return "../../../../" + sentinel.getFileName();
    }

    @Test
    void parentDirectoryEntriesAreRefused() {
        assertRefused(with("dotdot.tar.zst", new TarArchiveEntry("checkpoint/" + escape()), "x".getBytes()),
                "escapes the extraction directory (..)");
    }

    @Test
    void absolutePathsAreRefused() {
        assertRefused(with("abs.tar.zst", new TarArchiveEntry(sentinel.toString(), true), "x".getBytes()),
                "has an absolute path");
    }

    @Test
    void symlinksPointingOutsideAreRefused() {
        TarArchiveEntry link = new TarArchiveEntry("checkpoint/up", TarConstants.LF_SYMLINK);
        link.setLinkName("../../../../" + sentinel.getFileName());
        assertRefused(new ArchiveRewriter().add(link, new byte[0]).writeTo(archive, dir.resolve("link.tar.zst")),
                "is a symbolic link to \"../../../../" + sentinel.getFileName() + "\", outside the extraction directory");

        TarArchiveEntry absolute = new TarArchiveEntry("checkpoint/etc", TarConstants.LF_SYMLINK);
        absolute.setLinkName("/etc");
        assertRefused(new ArchiveRewriter().add(absolute, new byte[0]).writeTo(archive, dir.resolve("abslink.tar.zst")),
                "is a symbolic link to \"/etc\", outside the extraction directory");
    }

    @Test
    void hardLinksToFilesOutsideAreRefused() {
        TarArchiveEntry link = new TarArchiveEntry("checkpoint/passwd", TarConstants.LF_LINK);
        link.setLinkName("/etc/passwd");
        assertRefused(new ArchiveRewriter().add(link, new byte[0]).writeTo(archive, dir.resolve("hard.tar.zst")),
                "has an absolute path");
    }

    @Test
    void deviceNodesAreRefused() {
        TarArchiveEntry dev = new TarArchiveEntry("checkpoint/mem", TarConstants.LF_CHR);
        dev.setDevMajor(1);
        dev.setDevMinor(1);
        assertRefused(new ArchiveRewriter().add(dev, new byte[0]).writeTo(archive, dir.resolve("dev.tar.zst")),
                "archive entry \"checkpoint/mem\" is a device node; device nodes are not allowed");
    }

    @Test
    void archivesPastTheSizeLimitAreRefused() {
        byte[] big = new byte[9 << 20];
        new Random(1).nextBytes(big);
        assertRefused(with("big.tar.zst", new TarArchiveEntry("filler"), big),
                "archive entry \"filler\" is " + (9 << 20) + " bytes, over the limit of " + (8L << 20));

        byte[] half = Arrays.copyOf(big, 5 << 20);
        TarArchiveEntry one = new TarArchiveEntry("filler1");
        TarArchiveEntry two = new TarArchiveEntry("filler2");
        one.setSize(half.length);
        two.setSize(half.length);
        Path twoHalves = new ArchiveRewriter().add(one, half).add(two, half).writeTo(archive, dir.resolve("big2.tar.zst"));
        assertRefused(twoHalves, "archive content exceeds the limit of " + (8L << 20) + " bytes");
    }

    @Test
    void truncatedArchivesAreRefused() throws IOException {
        byte[] whole = Files.readAllBytes(archive);
        Path half = Files.write(dir.resolve("half.tar.zst"), Arrays.copyOf(whole, whole.length / 2));
        assertRefused(half, "archive is truncated or corrupt: Truncated source");
    }

    @Test
    void garbageIsRefused() throws IOException {
        byte[] noise = new byte[4096];
        new Random(2).nextBytes(noise);
        assertRefused(Files.write(dir.resolve("noise.tar.zst"), noise), "archive");
        assertRefused(Files.write(dir.resolve("empty.tar.zst"), new byte[0]), "not a complete checkpoint archive");
    }

    @Test
    void archivesWithoutConfigAreRefused() {
        Path noConfig = new ArchiveRewriter().change("config.dump", b -> "{}".getBytes(StandardCharsets.UTF_8))
                .writeTo(archive, dir.resolve("noconfig.tar.zst"));
        assertRefused(noConfig, "config.dump is not a Ferry container config");
        Path badJson = new ArchiveRewriter().change("config.dump", b -> "{not json".getBytes(StandardCharsets.UTF_8))
                .writeTo(archive, dir.resolve("badjson.tar.zst"));
        assertRefused(badJson, "config.dump is not valid JSON");
    }

    private static TarArchiveEntry link(String name, byte type, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setLinkName(target);
        return e;
    }

    /** A volume tar made of the given entries (links and directories, or files with the content "x"). */
    private static byte[] volumeTar(TarArchiveEntry... entries) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            for (TarArchiveEntry e : entries) {
                boolean file = !e.isSymbolicLink() && !e.isLink() && !e.isDirectory();
                if (file) {
                    e.setSize(1);
                }
                out.putArchiveEntry(e);
                if (file) {
                    out.write('x');
                }
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private Path withVolume(String name, byte[] tar) {
        return new ArchiveRewriter().change("volumes/vdata.tar", b -> tar).writeTo(volumeArchive, dir.resolve(name));
    }

    @Test
    void aVolumeCannotHardLinkAHostFileThroughAnAbsoluteSymlink() {
        // before: the volume was extracted as a rootfs (absolute links allowed), and the hard link was
        // resolved through the link: the container got a writable name for the host file
        Path bad = withVolume("vhard.tar.zst", volumeTar(
                link("host", TarConstants.LF_SYMLINK, victim.getParent().toString()),
                link("mine", TarConstants.LF_LINK, "host/" + victim.getFileName())));
        assertRefused(bad, "archive entry \"host\" is a symbolic link to \"" + victim.getParent()
                + "\", outside the extraction directory");
    }

    @Test
    void aVolumeCannotHoldAnAbsoluteSymlinkToWriteThrough() {
        Path bad = withVolume("vwrite.tar.zst", volumeTar(
                link("etc", TarConstants.LF_SYMLINK, sentinel.getParent().toString()),
                new TarArchiveEntry("etc/" + sentinel.getFileName())));
        assertRefused(bad, "archive entry \"etc\" is a symbolic link to \"" + sentinel.getParent()
                + "\", outside the extraction directory");
    }

    @Test
    void aDeepSymlinkHardLinkedToTheTopCannotLeakAHostFileIntoTheLog() {
        // inside the staging directory at depth 4; as ctr.log at the top it would point at the host file,
        // which the restore copies into the container's log
        String up = "../../../../" + dir.getFileName() + "/" + victim.getFileName();
        Path bad = new ArchiveRewriter()
                .add(link("deep/a/b/c/s", TarConstants.LF_SYMLINK, up), new byte[0])
                .add(link("ctr.log", TarConstants.LF_LINK, "deep/a/b/c/s"), new byte[0])
                .writeTo(archive, dir.resolve("deep.tar.zst"));
        assertRefused(bad, "archive entry \"ctr.log\" is a hard link to \"deep/a/b/c/s\", which is not a file"
                + " extracted before it");
    }
}
