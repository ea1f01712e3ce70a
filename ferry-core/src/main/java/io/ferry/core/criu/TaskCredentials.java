package io.ferry.core.criu;

import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The credentials CRIU gives a restored thread: ThreadCoreEntry.creds (CoreEntry field 5, then 10)
 * of its core-TID.img (CRIU's images/core.proto and creds.proto). {@code sets} holds the capability
 * sets as CRIU stores them (32-bit words) by name: inheritable (cap_inh 9), permitted (cap_prm 10),
 * effective (cap_eff 11), bounding (cap_bnd 12), ambient (cap_amb 19). {@code sets} is null when the
 * image carries no creds (CRIU then leaves the thread with its own). Zombies are not listed: CRIU
 * never runs them.
 */
public record TaskCredentials(long pid, long tid, String command, Map<String, List<Long>> sets, long noNewPrivs) {
    private static final long TASK_DEAD = 2;
    private static final long TASK_ZOMBIE = 6;
    private static final long PID_MAX_LIMIT = 4L * 1024 * 1024;

    public String image() {
        return "checkpoint/core-" + tid + ".img";
    }

    /** Every thread of every task in pstree.img, with the credentials its core image claims. */
    public static List<TaskCredentials> read(Path imagesDir) throws IOException {
        List<TaskCredentials> out = new ArrayList<>();
        for (ProtoMessage task : CheckpointImages.read(imagesDir.resolve("pstree.img")).entries()) {
            long pid = pid(field("pstree.img", () -> task.uint(1, 0)));
            ProtoMessage tc = field(core(pid), () -> core(imagesDir, pid).message(3));
            long state = tc == null ? -1 : field(core(pid), () -> tc.uint(1, -1));
            if (state == TASK_ZOMBIE || state == TASK_DEAD) {
                continue;
            }
            String command = tc == null ? "?" : printable(field(core(pid), () -> tc.string(6)));
            List<Long> threads = task.uints(5).isEmpty() ? List.of(pid) : task.uints(5);
            for (long thread : threads) {
                long tid = pid(thread);
                ProtoMessage creds = field(core(tid), () -> {
                    ProtoMessage threadCore = core(imagesDir, tid).message(5);
                    return threadCore == null ? null : threadCore.message(10);
                });
                out.add(creds == null ? new TaskCredentials(pid, tid, command, null, 0)
                        : new TaskCredentials(pid, tid, command, Map.of("inheritable", creds.uints(9),
                        "permitted", creds.uints(10), "effective", creds.uints(11), "bounding", creds.uints(12),
                        "ambient", creds.uints(19)), field(core(tid), () -> creds.uint(18, 0))));
            }
        }
        return out;
    }

    /**
     * A pid or tid as CRIU reads it (uint32, then a C int): anything past the kernel's PID_MAX_LIMIT
     * would name another core image for CRIU than for this check.
     */
    private static long pid(long value) throws IOException {
        if (value < 1 || value > PID_MAX_LIMIT) {
            throw new IOException("checkpoint/pstree.img: " + Long.toUnsignedString(value) + " is not a pid");
        }
        return value;
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    /** Reads from an image; a malformed field (one that occurs twice, say) is named with its image. */
    private static <T> T field(String image, Read<T> read) throws IOException {
        try {
            return read.get();
        } catch (InvalidArchiveException e) {
            throw new InvalidArchiveException("checkpoint/" + image + ": "
                    + e.getMessage().replaceFirst("^CRIU image field", "field"), e);
        }
    }

    private static String core(long tid) {
        return "core-" + tid + ".img";
    }

    private static ProtoMessage core(Path imagesDir, long tid) throws IOException {
        return CheckpointImages.read(imagesDir.resolve(core(tid))).first();
    }

    /** A task's comm, from an untrusted image, safe to put in a message. */
    private static String printable(String comm) {
        if (comm == null) {
            return "?";
        }
        StringBuilder b = new StringBuilder();
        comm.codePoints().limit(16).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }
}
