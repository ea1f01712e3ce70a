package io.ferry.core.checkpoint;

import com.google.protobuf.CodedOutputStream;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.json.Json;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.CriuImageTamper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * files.img names the files CRIU opens for the restored tasks. A crafted image gives init one more
 * descriptor, a regular file whose path climbs out of the container's root with '..' to a host file;
 * CRIU opens it in the container's mount namespace, whose root stops the climb (not a hole: this
 * test keeps it so). The /dev tmpfs content CRIU unpacks with tar as root on the host tries to write
 * through a symbolic link to a host directory; GNU tar's placeholders for such links stop it.
 */
class HostileFilesImageTest extends RestoreAttack {
    private static final int FD = 9;
    private static final int FILE_ID = 4242;
    private Path hostFile;

    HostileFilesImageTest() {
        super("fim");
    }

    @BeforeAll
    void placeAHostFile() throws IOException {
        hostFile = dir.resolve("host-secret");
        Files.writeString(hostFile, "secret");
    }

    @AfterEach
    void theHostFileIsUntouched() throws IOException {
        assertThat(Files.readString(hostFile)).isEqualTo("secret");
    }

    @Test
    void aFileCannotClimbOutOfTheContainersRoot() {
        assertNotOpened("/..".repeat(20) + hostFile);
    }

    @Test
    void theDevTmpfsContentCannotWriteThroughALinkToTheHost() throws IOException {
        HOST_DIR.set(dir.toString());
        ArchiveRewriter rewriter = new ArchiveRewriter();
        for (String image : tmpfsImages()) {
            rewriter.change(image, HostileFilesImageTest::withLinkAttack);
        }
        Path bad = rewriter.writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        String name = "evil-" + UUID.randomUUID().toString().substring(0, 8);
        Object links = null;
        try {
            target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults().named(name));
            links = Files.getAttribute(hostFile, "unix:nlink"); // a hard link from the container's /dev?
            target.engine().containers().remove(name, true);
        } catch (RuntimeException e) {
            System.err.println("TAR ATTACK restore failed: " + e.getMessage()); // the host must be untouched all the same
        }
        System.err.println("TAR ATTACK nlink while restored: " + links);
        assertThat(links == null || links.equals(1)).as("links to the host file: " + links).isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("pwned"));
        }
        assertThat(hostFile.getParent().resolve("host-secret")).hasContent("secret");
    }

    /** The checkpoint/tmpfs-dev-*.tar.gz.img entries of the archive. */
    private List<String> tmpfsImages() throws IOException {
        List<String> names = new ArrayList<>();
        try (var in = io.ferry.core.tar.Compression.decompress(Files.newInputStream(archive));
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.getName().matches("checkpoint/tmpfs-dev-\\d+\\.tar\\.gz\\.img")) {
                    names.add(e.getName());
                }
            }
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    /** The gzipped tar with links to the host directory (absolute and by '..') and files written through them. */
    private static byte[] withLinkAttack(byte[] gz) {
        String target = "/..".repeat(20);
        try (var in = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
                new java.io.ByteArrayInputStream(gz));
             var src = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (var out = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(buf);
                 var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
                tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
                org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
                while ((e = src.getNextEntry()) != null) {
                    byte[] content = e.isFile() ? src.readAllBytes() : new byte[0];
                    tar.putArchiveEntry(e);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
                String hostDir = HOST_DIR.get();
                String[][] links = {{"./abs", hostDir}, {"./rel", ".." + target + hostDir}};
                for (String[] link : links) {
                    var l = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(link[0],
                            org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                    l.setLinkName(link[1]);
                    tar.putArchiveEntry(l);
                    tar.closeArchiveEntry();
                    byte[] pwned = "pwned".getBytes();
                    var f = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(link[0] + "/pwned-" + link[0].substring(2));
                    f.setSize(pwned.length);
                    tar.putArchiveEntry(f);
                    tar.write(pwned);
                    tar.closeArchiveEntry();
                }
                // a hard link to a host file: tar strips the leading '/', or refuses the '..'
                for (String linkTarget : new String[]{hostDir + "/host-secret", ".." + target + hostDir + "/host-secret"}) {
                    var h = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("./hard" + linkTarget.length(),
                            org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
                    h.setLinkName(linkTarget);
                    tar.putArchiveEntry(h);
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ThreadLocal<String> HOST_DIR = new ThreadLocal<>();

    private void assertNotOpened(String path) {
        Path bad = new ArchiveRewriter()
                .change("checkpoint/files.img", img -> CriuImageTamper.entries(img, e -> append(e, regFile(path))))
                .change("checkpoint/fdinfo-2.img", img -> CriuImageTamper.entries(img, e -> append(e, fdinfo())))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        String name = "evil-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            target.engine().restore(ArchiveSource.file(bad), RestoreOptions.defaults().named(name));
        } catch (InvalidArchiveException e) {
            assertThat(e).hasMessageContaining("files.img");
            return;
        } catch (ToolFailedException e) { // CRIU resolved the path inside the container's root: no such file
            assertThat(e).hasMessageContaining("Can't open file ../../").hasMessageContaining("No such file or directory");
            return;
        }
        String seen;
        try {
            String id = target.engine().containers().store().get(name).id();
            long pid = Json.readTree(target.host().runcRoot().resolve(id).resolve("state.json"))
                    .get("init_process_pid").asLong();
            Path fd = Path.of("/proc/" + pid + "/fd/" + FD);
            seen = Files.readSymbolicLink(fd) + " holding \"" + Files.readString(fd) + "\"";
        } catch (IOException | RuntimeException e) {
            seen = "unknown (" + e + ")";
        } finally {
            target.engine().containers().remove(name, true);
        }
        fail("the hostile archive was restored, init's fd " + FD + " being " + seen);
    }

    private static List<byte[]> append(List<byte[]> entries, byte[] entry) {
        List<byte[]> out = new ArrayList<>(entries);
        out.add(entry);
        return out;
    }

    /** FileEntry{type REG 1, id 2, reg 3: RegFileEntry{id 1, flags 2, pos 3, fown 5, name 6}}. */
    private static byte[] regFile(String path) {
        byte[] fown = message(o -> {
            for (int f = 1; f <= 5; f++) {
                o.writeUInt32(f, 0);
            }
        });
        byte[] reg = message(o -> {
            o.writeUInt32(1, FILE_ID);
            o.writeUInt32(2, 0); // O_RDONLY
            o.writeUInt64(3, 0);
            o.writeByteArray(5, fown);
            o.writeString(6, path);
        });
        return message(o -> {
            o.writeEnum(1, 1);
            o.writeUInt32(2, FILE_ID);
            o.writeByteArray(3, reg);
        });
    }

    /** FdinfoEntry{id 1, flags 2, type 3 (REG), fd 4}. */
    private static byte[] fdinfo() {
        return message(o -> {
            o.writeUInt32(1, FILE_ID);
            o.writeUInt32(2, 0);
            o.writeEnum(3, 1);
            o.writeUInt32(4, FD);
        });
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            writer.write(out);
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
