package io.ferry.core.volume;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Named volumes under {@code volumes/<name>/_data}, as Podman lays them out. */
public final class VolumeStore {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    private final Path dir;

    public VolumeStore(Path dir) {
        this.dir = dir;
    }

    public static String validName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid volume name \"" + name
                    + "\": use letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        return name;
    }

    public Volume create(String name) {
        validName(name);
        Path volumeDir = dir.resolve(name);
        if (Files.exists(volumeDir)) {
            throw new ConflictException("volume with name " + name + " already exists: volume already exists");
        }
        try {
            FileTrees.createPrivateDirectories(volumeDir); // _data keeps its mode: the container sees it
            Files.createDirectories(volumeDir.resolve("_data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Volume v = new Volume(name, Instant.now(), volumeDir.resolve("_data"));
        Json.write(volumeDir.resolve("volume.json"), v);
        return v;
    }

    public Optional<Volume> find(String name) {
        Path file = dir.resolve(validName(name)).resolve("volume.json");
        return Files.isRegularFile(file) ? Optional.of(Json.read(file, Volume.class)) : Optional.empty();
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
            return dirs.map(d -> d.resolve("volume.json")).filter(Files::isRegularFile)
                    .map(f -> Json.read(f, Volume.class)).sorted((a, b) -> a.name().compareTo(b.name())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the volume and its content; the caller checks that no container uses it. */
    public void remove(String name) {
        get(name);
        FileTrees.deleteRecursively(dir.resolve(name));
    }
}
