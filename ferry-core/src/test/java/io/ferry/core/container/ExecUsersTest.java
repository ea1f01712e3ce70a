package io.ferry.core.container;

import io.ferry.core.error.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** exec -u: names looked up in the container's own passwd and group files, never through a link. */
class ExecUsersTest {
    @TempDir
    Path rootfs;

    @Test
    void namesAndIdsBecomeUidAndGid() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");

        assertThat(ExecUsers.resolve(rootfs, "app")).isEqualTo("1000:1001");
        assertThat(ExecUsers.resolve(rootfs, "app:staff")).isEqualTo("1000:50");
        assertThat(ExecUsers.resolve(rootfs, "1000")).isEqualTo("1000:1001");
        assertThat(ExecUsers.resolve(rootfs, "4242")).isEqualTo("4242:0");
        assertThat(ExecUsers.resolve(rootfs, "4242:7")).isEqualTo("4242:7");
        assertThatThrownBy(() -> ExecUsers.resolve(rootfs, "nobody")).isInstanceOf(NotFoundException.class)
                .hasMessage("unable to find user nobody: no matching entries in passwd file");
        assertThatThrownBy(() -> ExecUsers.resolve(rootfs, "app:wheel"))
                .hasMessage("unable to find group wheel: no matching entries in group file");
    }

    @Test
    void aPasswdFileThatIsALinkIsNotFollowed() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Path outside = Files.writeString(rootfs.resolve("host-passwd"), "secret:x:7:7::/:/bin/sh\n");
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), outside);

        assertThatThrownBy(() -> ExecUsers.resolve(rootfs, "secret")).isInstanceOf(NotFoundException.class);
    }

    /**
     * The container's passwd is read by the host as root: one of gigabytes (sparse, so it costs no disk) is not
     * read into memory line by line; only its first MiBs are looked at, and a user past them is not found.
     */
    @Test
    void aHugePasswdFileIsReadOnlyUpToItsBound() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Path passwd = rootfs.resolve("etc/passwd");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(passwd,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("root:x:0:0::/root:/bin/sh\n".getBytes()));
            ch.write(java.nio.ByteBuffer.wrap("\nlate:x:7:7::/:/bin/sh\n".getBytes()), 64L << 20);
        }

        assertThat(ExecUsers.resolve(rootfs, "root")).isEqualTo("0:0");
        assertThatThrownBy(() -> ExecUsers.resolve(rootfs, "late")).isInstanceOf(NotFoundException.class);
    }
}
