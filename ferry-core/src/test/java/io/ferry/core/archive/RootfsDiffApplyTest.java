package io.ferry.core.archive;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.tar.ArchiveLimits;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** deleted.files names paths in the container: none of them may reach outside its root filesystem. */
class RootfsDiffApplyTest {
    @TempDir
    Path tmp;
    private Path rootfs;
    private Path outside;
    private Path emptyDiff;

    @BeforeEach
    void aRootfsWithALinkToTheHost() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs/etc"));
        rootfs = rootfs.getParent();
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "host file");
        Files.createSymbolicLink(rootfs.resolve("host"), outside); // as an image may hold: resolved in the container
        emptyDiff = tmp.resolve("rootfs-diff.tar");
        try (OutputStream out = Files.newOutputStream(emptyDiff); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.finish();
        }
    }

    private void apply(String deleted) {
        RootfsDiff.apply(emptyDiff, List.of(deleted), rootfs, ArchiveLimits.defaults());
    }

    @Test
    void aDeletedPathThroughALinkIsRefused() {
        assertThatThrownBy(() -> apply("/host/victim")).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("deleted.files entry \"/host/victim\" passes through a symbolic link");
        assertThat(outside.resolve("victim")).hasContent("host file");
    }

    @Test
    void parentAndRootPathsAreRefused() {
        assertThatThrownBy(() -> apply("/etc/../../outside/victim")).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("escapes the extraction directory (..)");
        assertThatThrownBy(() -> apply("/")).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("deleted.files names the root directory");
        assertThat(outside.resolve("victim")).hasContent("host file");
        assertThat(rootfs.resolve("etc")).isDirectory();
    }

    @Test
    void deletingTheLinkItselfRemovesOnlyTheLink() {
        apply("/host");
        assertThat(rootfs.resolve("host")).doesNotExist();
        assertThat(outside.resolve("victim")).hasContent("host file");
    }
}
