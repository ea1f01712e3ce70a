package io.ferry.core.checkpoint;

import com.google.protobuf.CodedOutputStream;
import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The namespace rules on crafted images; HostileNamespaceImageTest attacks with real runc + CRIU. */
class ImageNamespacesCheckTest {
    @TempDir
    Path images;

    /** TaskKobjIdsEntry with vm 1..sighand 4 and pid 5, net 6, ipc 7, uts 8, mnt 9 = base + field. */
    private static byte[] ids(long base, int otherField, long otherValue) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        for (int f = 1; f <= 9; f++) {
            out.writeUInt32(f, f == otherField ? (int) otherValue : (int) base + f);
        }
        out.flush();
        return buf.toByteArray();
    }

    private static byte[] message(int field, byte[] nested, int pidField, long pid) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        if (nested != null) {
            out.writeByteArray(field, nested);
        } else {
            out.writeUInt64(pidField, pid);
        }
        out.flush();
        return buf.toByteArray();
    }

    private void image(String name, int magics, byte[]... entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(4 * magics).order(ByteOrder.LITTLE_ENDIAN);
        if (magics == 2) {
            head.putInt(0x54564319);
        }
        b.writeBytes(head.putInt(0x12345678).array());
        for (byte[] e : entries) {
            b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(e.length).array());
            b.writeBytes(e);
        }
        Files.write(images.resolve(name), b.toByteArray());
    }

    /** CRIU's own ids at base 100, init and child (pid 7) at base 200 unless changed; pid 9 a zombie without ids. */
    private void checkpoint(int childField, long childValue) throws IOException {
        image("inventory.img", 1, message(3, ids(100, 0, 0), 0, 0));
        image("pstree.img", 2, message(0, null, 1, 1), message(0, null, 1, 7), message(0, null, 1, 9));
        image("ids-1.img", 2, ids(200, 0, 0));
        image("ids-7.img", 2, ids(200, childField, childValue));
    }

    @Test
    void tasksInTheContainersOwnNamespacesPass() throws IOException {
        checkpoint(0, 0);
        assertThatCode(() -> ImageNamespacesCheck.check(images)).doesNotThrowAnyException();
    }

    @Test
    void aChildInCriusMountNamespaceIsRefused() throws IOException {
        checkpoint(9, 109);
        assertThatThrownBy(() -> ImageNamespacesCheck.check(images)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("checkpoint/inventory.img claims CRIU shared the mnt namespace of task 7; it would"
                        + " restore the task in this host's mnt namespace");
    }

    @Test
    void aChildInANamespaceOfItsOwnIsRefused() throws IOException {
        checkpoint(8, 999);
        assertThatThrownBy(() -> ImageNamespacesCheck.check(images)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("checkpoint/ids-7.img puts task 7 in a uts namespace of its own; a container's tasks share one");
    }

    @Test
    void initWithoutIdsIsRefused() throws IOException {
        checkpoint(0, 0);
        Files.delete(images.resolve("ids-1.img"));
        assertThatThrownBy(() -> ImageNamespacesCheck.check(images)).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("not a complete checkpoint archive: checkpoint/ids-1.img is missing");
    }
}
