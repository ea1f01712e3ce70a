package io.ferry.core.checkpoint;

import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** checkpoint/ holds CRIU's images of a container of this host and runc's descriptors.json, nothing else. */
class ImageFilesCheckTest {
    /** What runc + CRIU 4.2 wrote here for a looper, a TCP server and a container with volumes (netns apart). */
    private static final List<String> REAL = List.of("descriptors.json", "inventory.img", "pstree.img", "core-1.img",
            "ids-1.img", "mm-1.img", "pagemap-1.img", "pages-1.img", "fdinfo-2.img", "files.img", "fs-1.img",
            "mountpoints-13.img", "tmpfs-dev-49.tar.gz.img", "cgroup.img", "seccomp.img", "utsns-12.img",
            "ipcns-var-11.img", "tcp-stream-213735.img", "cpuinfo.img", "timens-0.img");

    @Test
    void realImagesPass(@TempDir Path dir) throws IOException {
        for (String name : REAL) {
            Files.writeString(dir.resolve(name), "");
        }
        Files.write(dir.resolve("netns-10.img"), netnsImage(8, "extRootNetNS"));
        assertThatNoException().isThrownBy(() -> ImageFilesCheck.check(dir));
    }

    @Test
    void aNetworkNamespaceMustBeTheOneThisHostMakes(@TempDir Path dir) throws IOException {
        // NetnsEntry without ext_key (8), only def_conf (1): CRIU would build a namespace of the image's own
        Files.write(dir.resolve("netns-10.img"), netnsImage(1, null));
        assertThatThrownBy(() -> ImageFilesCheck.check(dir)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("checkpoint/netns-10.img describes a network namespace of its own instead of naming"
                        + " the one this host makes for the container");
        Files.write(dir.resolve("netns-10.img"), netnsImage(8, "evilNS"));
        assertThatThrownBy(() -> ImageFilesCheck.check(dir)).isInstanceOf(InvalidArchiveException.class);
    }

    /** Two magics, then one entry holding {@code field}: a string, or the varint 1 when {@code value} is null. */
    private static byte[] netnsImage(int field, String value) throws IOException {
        java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream e = com.google.protobuf.CodedOutputStream.newInstance(entry);
        if (value == null) {
            e.writeInt32(field, 1);
        } else {
            e.writeString(field, value);
        }
        e.flush();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + entry.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x54564319).putInt(0x55222a25).putInt(entry.size()).put(entry.toByteArray());
        return b.array();
    }

    @Test
    void imagesOfHostStateOrUnknownFilesAreRefusedByName(@TempDir Path parent) throws IOException {
        for (String bad : List.of("apparmor.img", "binfmt-misc.img", "userns-5.img", "netdev-9.img", "ifaddr-9.img",
                "route-9.img", "rule-9.img", "iptables-9.img", "ip6tables-9.img", "nftables-9.img", "netns-ct-9.img",
                "bpfmap-file.img", "tunfile.img", "autofs-3.img", "run.sh", "core-1.img.bak", "core-x.img")) {
            Path dir = Files.createTempDirectory(parent, "images");
            Files.writeString(dir.resolve("inventory.img"), "");
            Files.writeString(dir.resolve(bad), "");
            assertThatThrownBy(() -> ImageFilesCheck.check(dir)).isInstanceOf(InvalidArchiveException.class)
                    .hasMessage("checkpoint/" + bad + " is not an image CRIU writes for a container of this host");
        }
    }

    @Test
    void anImageMustBeARegularFile(@TempDir Path dir) throws IOException {
        Files.createSymbolicLink(dir.resolve("pages-1.img"), Path.of("/etc/shadow"));
        assertThatThrownBy(() -> ImageFilesCheck.check(dir)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("checkpoint/pages-1.img is not a regular file");
        assertThat(dir.resolve("pages-1.img")).isSymbolicLink();
    }
}
