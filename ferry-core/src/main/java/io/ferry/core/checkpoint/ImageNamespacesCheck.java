package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.CriuImageFile;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Defence beside {@link ImageMountsCheck}: CRIU gives the restored init a new namespace only where its
 * ids (ids-PID.img) differ from the ones inventory.img says CRIU itself had at dump (root_ids); where
 * they are equal, init is born in CRIU's own namespace, at restore the host's. A crafted inventory
 * restored init in the host's mount namespace, its root the host's /, and in the host's IPC and UTS
 * namespaces. Each namespace a container of this host has must be one of the container's own: every
 * task's id differs from CRIU's, and all tasks share init's (none of them can create another); a task
 * without ids (a zombie) is forked in its parent's.
 */
final class ImageNamespacesCheck {
    /** TaskKobjIdsEntry fields of the namespaces this host's template gives a container. */
    private static final Map<Integer, String> NAMESPACES = namespaces();

    private ImageNamespacesCheck() {
    }

    static void check(Path imagesDir) {
        try {
            CriuImageFile inventory = CheckpointImages.read(imagesDir.resolve("inventory.img"));
            ProtoMessage criu = inventory.first().message(3);
            if (criu == null) {
                throw new InvalidArchiveException("checkpoint/inventory.img has no root_ids; CRIU could not tell"
                        + " the container's namespaces from its own");
            }
            List<ProtoMessage> tree = CheckpointImages.read(imagesDir.resolve("pstree.img")).entries();
            ProtoMessage init = null;
            for (ProtoMessage task : tree) {
                long pid = task.uint(1, 0);
                Path image = imagesDir.resolve("ids-" + pid + ".img");
                List<ProtoMessage> entries = init == null || Files.exists(image)
                        ? CheckpointImages.read(image).entries() : List.of();
                if (entries.isEmpty() && init != null) {
                    continue; // a zombie or helper: CRIU forks it in its parent's namespaces
                }
                if (entries.isEmpty()) {
                    throw new InvalidArchiveException("checkpoint/ids-" + pid + ".img of the container's init is empty");
                }
                ProtoMessage ids = entries.get(0); // CRIU reads the first entry only
                init = init == null ? ids : init;
                for (Map.Entry<Integer, String> ns : NAMESPACES.entrySet()) {
                    long id = ids.uint(ns.getKey(), 0);
                    if (id == criu.uint(ns.getKey(), 0)) {
                        throw new InvalidArchiveException("checkpoint/inventory.img claims CRIU shared the "
                                + ns.getValue() + " namespace of task " + pid + "; it would restore the task in"
                                + " this host's " + ns.getValue() + " namespace");
                    }
                    if (id != init.uint(ns.getKey(), 0)) {
                        throw new InvalidArchiveException("checkpoint/ids-" + pid + ".img puts task " + pid
                                + " in a " + ns.getValue() + " namespace of its own; a container's tasks share one");
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new InvalidArchiveException("not a complete checkpoint archive: checkpoint/"
                    + Path.of(e.getFile()).getFileName() + " is missing", e);
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidArchiveException("cannot read the namespaces of the checkpointed tasks: "
                    + e.getMessage(), e);
        }
    }

    private static Map<Integer, String> namespaces() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(9, "mnt");
        m.put(5, "pid");
        m.put(6, "net");
        m.put(7, "ipc");
        m.put(8, "uts");
        return m;
    }
}
