package io.ferry.core.criu;

import io.ferry.protocol.DumpStatistics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Reads what Ferry needs from a directory of CRIU images: format version, process tree, statistics. */
public final class CheckpointImages {
    /** CRIU_IMAGES_V1_1: the only image format CRIU has written since 2016. */
    public static final long SUPPORTED_IMAGE_VERSION = 2;

    private CheckpointImages() {
    }

    /** InventoryEntry.img_version (field 1) of inventory.img. */
    public static long imageVersion(Path imagesDir) throws IOException {
        CriuImageFile inv = read(imagesDir.resolve("inventory.img"));
        if (inv.magic() != CriuImageFile.INVENTORY_MAGIC) {
            throw new IOException("inventory.img has magic 0x" + Long.toHexString(inv.magic()) + ", not CRIU's inventory");
        }
        return inv.first().uint(1, -1);
    }

    public static List<ProcessTreeEntry> processTree(Path imagesDir) throws IOException {
        return processTree(read(imagesDir.resolve("pstree.img")), pid -> {
            try {
                return command(read(imagesDir.resolve("core-" + pid + ".img")));
            } catch (IOException e) {
                return "?";
            }
        });
    }

    /** PstreeEntry: pid 1, ppid 2, pgid 3, sid 4, threads 5; {@code commands} gives each pid's command. */
    public static List<ProcessTreeEntry> processTree(CriuImageFile pstree, LongFunction<String> commands) {
        List<ProcessTreeEntry> tasks = new ArrayList<>();
        for (ProtoMessage e : pstree.entries()) {
            long pid = e.uint(1, 0);
            tasks.add(new ProcessTreeEntry(pid, e.uint(2, 0), e.uint(3, 0), e.uint(4, 0),
                    Math.max(1, e.uints(5).size()), commands.apply(pid)));
        }
        return tasks;
    }

    /** The command of a core-PID.img: CoreEntry.tc (field 3) -> TaskCoreEntry.comm (field 6). */
    public static String command(CriuImageFile core) throws IOException {
        ProtoMessage tc = core.first().message(3);
        return tc == null ? "?" : tc.string(6);
    }

    public static DumpStatistics dumpStatistics(Path statsFile) throws IOException {
        return dumpStatistics(read(statsFile).first());
    }

    /** Decodes a StatsEntry message (field 1 = dump_stats_entry); null when it holds none. */
    public static DumpStatistics dumpStatistics(ProtoMessage stats) {
        ProtoMessage d = stats.message(1);
        if (d == null) {
            return null;
        }
        return new DumpStatistics(d.uint(1, 0), d.uint(2, 0), d.uint(3, 0), d.uint(4, 0),
                d.uint(5, 0), d.uint(6, 0), d.uint(7, 0), d.uint(9, 0));
    }

    public static RestoreStatistics restoreStatistics(Path statsFile) throws IOException {
        return RestoreStatistics.from(read(statsFile).first());
    }

    public static CriuImageFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return CriuImageFile.read(in);
        }
    }
}
