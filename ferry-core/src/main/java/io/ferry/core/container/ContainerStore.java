package io.ferry.core.container;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.image.Image;
import io.ferry.core.json.Json;
import io.ferry.core.os.Confined;
import io.ferry.core.os.FileTrees;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's container records, one directory per container id. Ids are checked before they become
 * a path (64 hex, confined to the store), and records are checked again when read back.
 */
public final class ContainerStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    public ContainerStore(Path dir) {
        this.dir = dir;
    }

    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String validName(String name) {
        return Identifiers.name("container name", name);
    }

    public ContainerLayout layout(String id) {
        return new ContainerLayout(Confined.resolve(dir, Identifiers.containerId("container id", id)));
    }

    public void save(ContainerRecord record) {
        record.config().checked();
        ContainerLayout layout = layout(record.id());
        FileTrees.createPrivateDirectories(layout.dir()); // the rootfs and bundle: root's alone
        Json.write(layout.record(), record);
    }

    public List<ContainerRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("container.json")))
                    .map(ContainerStore::readChecked)
                    .sorted((a, b) -> a.config().created().compareTo(b.config().created())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record as written: its identifiers valid, and its id the name of its directory. */
    private static ContainerRecord readChecked(Path recordDir) {
        return Json.readRecord(recordDir.resolve("container.json"), ContainerRecord.class, "container",
                "remove that directory to go on", r -> {
                    if (r.config() == null || r.state() == null) {
                        throw new IllegalArgumentException("it has no config or state");
                    }
                    r.config().checked();
                    if (!recordDir.getFileName().toString().equals(r.id())) {
                        throw new IllegalArgumentException("it names container " + r.id() + " but lies in "
                                + Identifiers.quote(recordDir.getFileName().toString()));
                    }
                });
    }

    /** Exact id, exact name, or a unique id prefix, as Podman resolves them. */
    public Optional<ContainerRecord> find(String nameOrId) {
        Identifiers.nameOrId("container name or id", nameOrId);
        List<ContainerRecord> all = list();
        for (ContainerRecord r : all) {
            if (r.id().equals(nameOrId) || r.name().equals(nameOrId)) {
                return Optional.of(r);
            }
        }
        List<ContainerRecord> byPrefix = all.stream()
                .filter(r -> nameOrId.length() >= 3 && r.id().startsWith(nameOrId)).toList();
        return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
    }

    public ContainerRecord get(String nameOrId) {
        return find(nameOrId).orElseThrow(() -> NotFoundException.container(nameOrId));
    }

    /** Refuses (ConflictException) when a container of this host runs from, or was made from, the image. */
    public void requireUnused(Image image, String ref) {
        findUsingImage(image.id()).ifPresent(c -> {
            throw new ConflictException("image " + ref + " is in use by container " + c.name());
        });
    }

    /** A container of this host that runs from (or was made from) the image, if any. */
    public Optional<ContainerRecord> findUsingImage(String imageId) {
        return list().stream().filter(c -> c.config().imageId().equals(imageId)).findFirst();
    }

    /** By exact name only: a name that happens to look like another container's id is still free. */
    public Optional<ContainerRecord> findByName(String name) {
        return list().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public boolean idExists(String id) {
        return Files.isDirectory(layout(id).dir());
    }

    public void delete(String id) {
        FileTrees.deleteRecursively(layout(id).dir());
    }
}
