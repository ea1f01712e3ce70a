package io.ferry.core.container;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.image.Image;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The host's container records, one directory per container id. */
public final class ContainerStore {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
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
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid container name \"" + name
                    + "\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
        }
        return name;
    }

    public ContainerLayout layout(String id) {
        return new ContainerLayout(dir.resolve(id));
    }

    public void save(ContainerRecord record) {
        FileTrees.createPrivateDirectories(dir.resolve(record.id())); // the rootfs and bundle: root's alone
        Json.write(layout(record.id()).record(), record);
    }

    public List<ContainerRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.map(d -> d.resolve("container.json")).filter(Files::isRegularFile)
                    .map(f -> Json.read(f, ContainerRecord.class))
                    .sorted((a, b) -> a.config().created().compareTo(b.config().created())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exact id, exact name, or a unique id prefix, as Podman resolves them. */
    public Optional<ContainerRecord> find(String nameOrId) {
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
        return Files.isDirectory(dir.resolve(id));
    }

    public void delete(String id) {
        FileTrees.deleteRecursively(dir.resolve(id));
    }
}
