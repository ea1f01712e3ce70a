package io.ferry.core.volume;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.json.Json;
import io.ferry.core.os.Confined;
import io.ferry.core.os.FileTrees;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Named volumes under {@code volumes/<name>/_data}, as Podman lays them out. */
public final class VolumeStore {
    private final Path dir;

    public VolumeStore(Path dir) {
        this.dir = dir;
    }

    public static String validName(String name) {
        return Identifiers.volumeName("volume name", name);
    }

    private Path volumeDir(String name) {
        return Confined.resolve(dir, validName(name));
    }

    public Volume create(String name) {
        return create(name, false);
    }

    /** Creates the volume; an {@code anonymous} one is marked so (Podman's Anonymous). */
    public Volume create(String name, boolean anonymous) {
        Path volumeDir = volumeDir(name);
        if (Files.exists(volumeDir)) {
            throw new ConflictException("volume with name " + name + " already exists: volume already exists");
        }
        try {
            FileTrees.createPrivateDirectories(volumeDir); // _data keeps its mode: the container sees it
            Files.createDirectories(volumeDir.resolve("_data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Volume v = new Volume(name, Instant.now(), volumeDir.resolve("_data"), anonymous ? Boolean.TRUE : null);
        Json.write(volumeDir.resolve("volume.json"), v);
        return v;
    }

    public Optional<Volume> find(String name) {
        Path volumeDir = volumeDir(name);
        return Files.isRegularFile(volumeDir.resolve("volume.json")) ? Optional.of(read(volumeDir)) : Optional.empty();
    }

    public Volume get(String name) {
        return find(name).orElseThrow(() -> NotFoundException.volume(name));
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    public List<Volume> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("volume.json")))
                    .map(VolumeStore::read).sorted((a, b) -> a.name().compareTo(b.name())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the volume and its content; the caller checks that no container uses it. */
    public void remove(String name) {
        get(name);
        FileTrees.deleteRecursively(volumeDir(name));
    }

    /**
     * A volume record as written: named as its directory, its content in that directory's _data (the
     * mountpoint is bind-mounted into containers, so a record pointing elsewhere is refused).
     */
    private static Volume read(Path volumeDir) {
        return Json.readRecord(volumeDir.resolve("volume.json"), Volume.class, "volume",
                "repair it by hand (its _data directory holds the volume's content)", v -> {
                    if (!volumeDir.getFileName().toString().equals(v.name()) || v.mountpoint() == null
                            || !volumeDir.resolve("_data").equals(v.mountpoint())
                            || Files.isSymbolicLink(v.mountpoint())) {
                        throw new IllegalArgumentException("its name or mountpoint is not its own directory's");
                    }
                });
    }
}
