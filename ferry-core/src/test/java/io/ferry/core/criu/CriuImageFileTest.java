package io.ferry.core.criu;

import com.google.protobuf.CodedOutputStream;
import io.ferry.protocol.DumpStatistics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CriuImageFileTest {

    private static byte[] message(int... fieldValuePairs) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            out.writeUInt64(fieldValuePairs[i], fieldValuePairs[i + 1]);
        }
        out.flush();
        return buf.toByteArray();
    }

    private static byte[] image(long[] magics, byte[]... entries) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (long m : magics) {
            b.putInt((int) m);
        }
        for (byte[] e : entries) {
            b.putInt(e.length).put(e);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void statsDumpDecodesAsCriuWroteIt() throws IOException {
        byte[] dump = message(1, 4216, 2, 145295, 3, 1377, 4, 167, 5, 49, 7, 35);
        ByteArrayOutputStream stats = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(stats);
        out.writeByteArray(1, dump); // StatsEntry.dump
        out.flush();
        byte[] file = image(new long[]{0x55105940L, CriuImageFile.STATS_MAGIC}, stats.toByteArray());

        CriuImageFile img = CriuImageFile.read(new ByteArrayInputStream(file));
        DumpStatistics s = CheckpointImages.dumpStatistics(img.first());

        assertThat(img.magic()).isEqualTo(CriuImageFile.STATS_MAGIC);
        assertThat(s).isEqualTo(new DumpStatistics(4216, 145295, 1377, 167, 49, 0, 35, 0));
    }

    @Test
    void inventoryHasASingleMagic() throws IOException {
        byte[] file = image(new long[]{CriuImageFile.INVENTORY_MAGIC}, message(1, 2));
        CriuImageFile img = CriuImageFile.read(new ByteArrayInputStream(file));
        assertThat(img.magic()).isEqualTo(CriuImageFile.INVENTORY_MAGIC);
        assertThat(img.first().uint(1, -1)).isEqualTo(2);
    }

    @Test
    void pstreeEntriesBecomeAProcessTree() throws IOException {
        byte[] file = image(new long[]{0x54564319L, CriuImageFile.PSTREE_MAGIC},
                message(1, 1, 2, 0, 3, 1, 4, 1), message(1, 13, 2, 1, 3, 1, 4, 1));
        var tree = CheckpointImages.processTree(CriuImageFile.read(new ByteArrayInputStream(file)),
                pid -> pid == 1 ? "sh" : "sleep");
        assertThat(tree).containsExactly(new ProcessTreeEntry(1, 0, 1, 1, 1, "sh"),
                new ProcessTreeEntry(13, 1, 1, 1, 1, "sleep"));
    }

    @Test
    void truncatedImagesAreErrors() throws IOException {
        byte[] file = image(new long[]{CriuImageFile.INVENTORY_MAGIC}, message(1, 2, 3, 4));
        assertThatThrownBy(() -> CriuImageFile.read(new ByteArrayInputStream(Arrays.copyOf(file, file.length - 1))))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> CriuImageFile.read(new ByteArrayInputStream(new byte[2])))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void onlyCriusErrorLinesAreKeptWithoutTheHarmlessRlimitOne() {
        String log = """
                (00.001) Warn  (criu/kerndat.c:1799): Hardware breakpoints don't seem to work
                (00.002) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
                (00.300) Error (criu/sk-inet.c:191): inet: Connected TCP socket, consider using --tcp-established option.
                """;
        assertThat(CriuLogs.errorLines(log)).containsExactly(
                "(00.300) Error (criu/sk-inet.c:191): inet: Connected TCP socket, consider using --tcp-established option.");
    }
}
