package io.ferry.core.network;

import io.ferry.core.json.Json;
import io.ferry.core.os.Confined;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Network configs ({@code networks/<name>.json}) and attachments ({@code networks/attachments/<container id>.json}). */
public final class NetworkStore {
    private final Path dir;

    public NetworkStore(Path dir) {
        this.dir = dir;
    }

    public static String validName(String name) {
        return Identifiers.name("network name", name);
    }

    public Optional<NetworkConfig> find(String name) {
        Path file = Confined.resolve(dir, validName(name) + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.readRecord(file, NetworkConfig.class, "network", "remove it with ferry network rm -f",
                c -> {
                    if (!name.equals(c.name())) {
                        throw new IllegalArgumentException("it names network " + Identifiers.quote(c.name()));
                    }
                }));
    }

    public void save(NetworkConfig config) {
        createDir(dir);
        Json.write(Confined.resolve(dir, validName(config.name()) + ".json"), config);
    }

    public void delete(String name) {
        deleteFile(Confined.resolve(dir, validName(name) + ".json"));
    }

    public List<NetworkConfig> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .filter(Identifiers::isName)
                    .map(this::find).flatMap(Optional::stream)
                    .sorted(Comparator.comparing(NetworkConfig::name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<AttachmentRecord> attachment(String containerId) {
        Path file = attachmentFile(containerId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.readRecord(file, AttachmentRecord.class, "network attachment",
                "remove the file after removing the container's veth by hand", r -> {
                    if (!containerId.equals(r.containerId()) || r.attachment() == null) {
                        throw new IllegalArgumentException("it is not this container's");
                    }
                }));
    }

    public void saveAttachment(AttachmentRecord record) {
        createDir(dir.resolve("attachments"));
        Json.write(attachmentFile(record.containerId()), record);
    }

    public void deleteAttachment(String containerId) {
        deleteFile(attachmentFile(containerId));
    }

    public List<AttachmentRecord> attachments() {
        Path attachments = dir.resolve("attachments");
        if (!Files.isDirectory(attachments)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(attachments)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .filter(Identifiers::isContainerId)
                    .map(this::attachment).flatMap(Optional::stream)
                    .sorted(Comparator.comparing(AttachmentRecord::containerId)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<AttachmentRecord> attachmentsOf(String network) {
        return attachments().stream().filter(r -> r.attachment().network().equals(network)).toList();
    }

    private Path attachmentFile(String containerId) {
        return Confined.resolve(dir, "attachments", Identifiers.containerId("container id", containerId) + ".json");
    }

    private static void createDir(Path d) {
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteFile(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
