package io.ferry.core.checkpoint;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.ferry.core.container.OciSpecs;
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

/** The creds in core-PID.img against the template's bounding set, on images built here (CRIU's core.proto, creds.proto). */
class ImageCredentialsCheckTest {
    /** The template's bounding set as CRIU's first 32-bit word (all its capabilities are below 32). */
    private static final long TEMPLATE = (1L << 0) | (1L << 1) | (1L << 3) | (1L << 4) | (1L << 5) | (1L << 6)
            | (1L << 7) | (1L << 8) | (1L << 10) | (1L << 18) | (1L << 29) | (1L << 31);
    private static final long SYS_ADMIN = 1L << 21;

    @TempDir
    Path images;

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        fields.write(out);
        out.flush();
        return buf.toByteArray();
    }

    private void image(String name, byte[]... entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x54564319).putInt(0x50273030).array());
        for (byte[] e : entries) {
            b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(e.length).array());
            b.writeBytes(e);
        }
        Files.write(images.resolve(name), b.toByteArray());
    }

    private void pstree(long pid, long... threads) throws IOException {
        image("pstree.img", message(out -> {
            out.writeUInt64(1, pid);
            for (long t : threads) {
                out.writeUInt64(5, t);
            }
        }));
    }

    /** core-TID.img: tc (3) with task_state and comm for a leader, thread_core (5) with creds (10) when given. */
    private void core(long tid, long state, byte[] creds) throws IOException {
        image("core-" + tid + ".img", message(out -> {
            out.writeUInt64(1, 1);
            if (state > 0) {
                out.writeBytes(3, ByteString.copyFrom(message(tc -> {
                    tc.writeUInt64(1, state);
                    tc.writeString(6, "sh");
                })));
            }
            if (creds != null) {
                out.writeBytes(5, ByteString.copyFrom(message(tcore -> tcore.writeBytes(10, ByteString.copyFrom(creds)))));
            }
        }));
    }

    private static byte[] creds(long inh, long prm, long eff, long bnd, long nnp) throws IOException {
        return message(out -> {
            for (int f = 1; f <= 8; f++) {
                out.writeUInt32(f, 0);
            }
            long[][] sets = {{9, inh}, {10, prm}, {11, eff}, {12, bnd}};
            for (long[] set : sets) {
                out.writeUInt32((int) set[0], (int) set[1]);
                out.writeUInt32((int) set[0], 0);
            }
            out.writeUInt32(13, 0);
            if (nnp > 0) {
                out.writeUInt32(18, (int) nnp);
            }
        });
    }

    private void check() {
        ImageCredentialsCheck.check(images, OciSpecs.boundingSet());
    }

    @Test
    void aContainersOwnCredentialsPass() throws IOException {
        pstree(1);
        core(1, 1, creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 1));
        assertThatCode(this::check).doesNotThrowAnyException();
    }

    @Test
    void capabilitiesBeyondTheBoundingSetAreRefusedInEverySet() throws IOException {
        pstree(1);
        String[] names = {"inheritable", "permitted", "effective", "bounding"};
        for (int i = 0; i < names.length; i++) {
            long[] sets = {0, TEMPLATE, TEMPLATE, TEMPLATE};
            sets[i] |= SYS_ADMIN;
            core(1, 1, creds(sets[0], sets[1], sets[2], sets[3], 1));
            assertThatThrownBy(this::check).isInstanceOf(InvalidArchiveException.class)
                    .hasMessage("checkpoint/core-1.img: task 1 (sh) claims CAP_SYS_ADMIN in its " + names[i]
                            + " set, beyond what this host gives a container");
        }
    }

    @Test
    void threadsAreCheckedToo() throws IOException {
        pstree(1, 1, 7);
        core(1, 1, creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 1));
        core(7, 0, creds(0, TEMPLATE, TEMPLATE | SYS_ADMIN | (1L << 31), TEMPLATE, 1));
        assertThatThrownBy(this::check).hasMessage("checkpoint/core-7.img: task 1 (sh) thread 7 claims CAP_SYS_ADMIN"
                + " in its effective set, beyond what this host gives a container");
    }

    @Test
    void tasksWithoutCredentialsOrWithoutNoNewPrivsAreRefused() throws IOException {
        pstree(1);
        core(1, 1, null);
        assertThatThrownBy(this::check).hasMessage("checkpoint/core-1.img: task 1 (sh) has no credentials; CRIU would"
                + " restore it with its own");
        core(1, 1, creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 0));
        assertThatThrownBy(this::check).hasMessage("checkpoint/core-1.img: task 1 (sh) does not keep no_new_privs,"
                + " which this host's containers have");
    }

    @Test
    void zombiesAreNeverRunAndNeedNoCredentials() throws IOException {
        pstree(1);
        core(1, 6, null);
        assertThatCode(this::check).doesNotThrowAnyException();
    }

    @Test
    void aSingularFieldTwiceIsRefusedForCriuWouldMergeIt() throws IOException {
        pstree(1);
        // tc twice: the first claims a dead task (skipped here), CRIU takes the later, alive one
        byte[] dead = message(tc -> tc.writeUInt64(1, 2));
        byte[] alive = message(tc -> tc.writeUInt64(1, 1));
        byte[] full = creds(0, TEMPLATE | SYS_ADMIN, TEMPLATE | SYS_ADMIN, TEMPLATE | SYS_ADMIN, 1);
        image("core-1.img", message(out -> {
            out.writeUInt64(1, 1);
            out.writeBytes(3, ByteString.copyFrom(dead));
            out.writeBytes(3, ByteString.copyFrom(alive));
            out.writeBytes(5, ByteString.copyFrom(message(t -> t.writeBytes(10, ByteString.copyFrom(full)))));
        }));
        assertThatThrownBy(this::check).isInstanceOf(InvalidArchiveException.class).hasMessage("cannot read the"
                + " credentials of the checkpointed tasks: checkpoint/core-1.img: field 3 occurs 2 times (protobuf"
                + " would merge them)");

        // no_new_privs twice: CRIU takes the later 0
        byte[] creds = creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 1);
        byte[] twice = java.util.Arrays.copyOf(creds, creds.length + 3);
        twice[creds.length] = (byte) 0x90;
        twice[creds.length + 1] = 0x01;
        core(1, 1, twice);
        assertThatThrownBy(this::check).hasMessageEndingWith("checkpoint/core-1.img: field 18 occurs 2 times"
                + " (protobuf would merge them)");
    }

    @Test
    void pidsBeyondALinuxPidAreRefusedForCriuWouldCutThemTo32Bits() throws IOException {
        // CRIU reads pstree's uint32 pid 2^32 + 1 as 1 and restores core-1.img; this check must not read another
        pstree((1L << 32) + 1);
        core((1L << 32) + 1, 1, creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 1));
        core(1, 1, creds(0, TEMPLATE | SYS_ADMIN, TEMPLATE | SYS_ADMIN, TEMPLATE | SYS_ADMIN, 1));
        assertThatThrownBy(this::check).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("cannot read the credentials of the checkpointed tasks: checkpoint/pstree.img:"
                        + " 4294967297 is not a pid");
        pstree(1, 1, (1L << 32) + 7);
        core(1, 1, creds(0, TEMPLATE, TEMPLATE, TEMPLATE, 1));
        assertThatThrownBy(this::check).hasMessageEndingWith("checkpoint/pstree.img: 4294967303 is not a pid");
    }

    @Test
    void brokenOrMissingImagesAreInvalidArchives() throws IOException {
        pstree(1);
        assertThatThrownBy(this::check).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("not a complete checkpoint archive: checkpoint/core-1.img is missing");
        Files.write(images.resolve("core-1.img"), new byte[]{0x19, 0x43, 0x56, 0x54, 1, 2, 3, 4, 2, 0, 0, 0, (byte) 0xff, (byte) 0xff});
        assertThatThrownBy(this::check).isInstanceOf(InvalidArchiveException.class)
                .hasMessageStartingWith("cannot read the credentials of the checkpointed tasks: ");
    }
}
