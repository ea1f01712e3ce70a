package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.exec.Commands;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.CriuImageTamper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * CRIU creates a namespace for the restored init only where init's ids (ids-PID.img) differ from the
 * ones CRIU itself had at dump (inventory.img's root_ids); where they match, init is born in CRIU's
 * own namespace, which at restore is the host's. A crafted inventory claiming CRIU shared init's mount
 * namespace restores init in the host's mount namespace with the host's root. Refused before runc runs.
 */
class HostileNamespaceImageTest extends RestoreAttack {
    private ProtoMessage initIds;

    HostileNamespaceImageTest() {
        super("nsim");
    }

    @BeforeAll
    void readInitsNamespaceIds() throws IOException {
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Commands.check("unpacking", List.of("sh", "-c", "zstd -dc '" + archive + "' | tar -x -C '" + unpacked
                + "' checkpoint/ids-1.img"), Duration.ofSeconds(30));
        initIds = CheckpointImages.read(unpacked.resolve("checkpoint/ids-1.img")).first();
    }

    /** TaskKobjIdsEntry: pid_ns_id 5, ipc_ns_id 7, uts_ns_id 8, mnt_ns_id 9. */
    @ParameterizedTest
    @CsvSource({"9, mnt", "5, pid", "6, net", "7, ipc", "8, uts"})
    void initCannotBeBornInTheHostsNamespace(int field, String ns) throws IOException {
        long id = initIds.uint(field, -1);
        Path bad = new ArchiveRewriter().change("checkpoint/inventory.img", img -> CriuImageTamper.inventory(img,
                        inv -> CriuImageTamper.withVarint(inv, new int[]{3, field}, id)))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        assertRefusedOrShow(bad, pid -> {
            Path proc = Path.of("/proc/" + pid);
            return "in " + ns + " namespace " + Files.readSymbolicLink(proc.resolve("ns/" + ns)) + " (the host's: "
                    + Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)) + "), root "
                    + Files.readSymbolicLink(proc.resolve("root")) + " listing " + listing(proc.resolve("root"));
        }, "inventory.img claims CRIU shared the " + ns + " namespace of task 1");
    }

    private static String listing(Path root) throws IOException {
        try (var files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).sorted().limit(30).toList().toString();
        }
    }
}
