package io.ferry.cli;

import io.ferry.core.archive.CheckpointInfo;
import io.ferry.core.archive.CheckpointedContainer;
import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.image.Image;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.Compression;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.core.tar.TarWriter;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A run of the classes every ferry command needs (picocli, Jackson on Ferry's records, tar, zstd),
 * without root or containers. The ./ferry script records it once into a class-data-sharing archive,
 * which cuts the JVM's start of each later command (Jackson's classes alone take ~0.3 s to load).
 */
final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        FerryCli.commandLine().getUsageMessage();
        Path dir = Files.createTempDirectory("ferry-training");
        try {
            ContainerConfig config = new ContainerConfig("0".repeat(64), "training", "busybox:latest", "1".repeat(64),
                    List.of("sh"), List.of(new VolumeMount("v", "/v", false)), Instant.now());
            ContainerRecord record = ContainerRecord.running(config, null, null);
            Json.write(dir.resolve("container.json"), record);
            Json.read(dir.resolve("container.json"), ContainerRecord.class);
            Json.write(dir.resolve("image.json"), new Image("2".repeat(64), List.of("busybox:latest"), List.of(), Instant.now(), 0));
            Json.read(dir.resolve("image.json"), Image.class);
            CheckpointInfo info = new CheckpointInfo("runc", "1", "4.2", "h", "k", "amd64", "v2", Instant.now(),
                    false, false, true, true);
            Json.read(new java.io.ByteArrayInputStream(Json.bytes(new CheckpointedContainer(config, info))),
                    CheckpointedContainer.class);
            Files.createDirectories(dir.resolve("tree/sub"));
            Files.writeString(dir.resolve("tree/sub/file"), "training");
            Path archive = dir.resolve("training.tar.zst");
            try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(archive)); TarWriter tar = new TarWriter(out)) {
                tar.addTree("", dir.resolve("tree"), p -> false);
                tar.finish();
            }
            try (InputStream in = Compression.decompress(Files.newInputStream(archive))) {
                new SafeExtractor(ArchiveLimits.defaults(), SafeExtractor.Links.ROOTFS).extract(in, dir.resolve("out"));
            }
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }
}
