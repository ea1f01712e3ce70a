package io.ferry.core.container;

import io.ferry.core.volume.VolumeStore;

/** {@code -v NAME:/path[:ro]}: a named volume mounted into a container. */
public record VolumeMount(String name, String destination, boolean readOnly) {

    public static VolumeMount parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith("/")
                || (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw"))) {
            throw new IllegalArgumentException("invalid volume \"" + spec + "\": use NAME:/absolute/path[:ro|rw]");
        }
        if (!validDestination(parts[1])) {
            throw new IllegalArgumentException("invalid volume destination \"" + parts[1] + "\"");
        }
        return new VolumeMount(VolumeStore.validName(parts[0]), parts[1], parts.length == 3 && parts[2].equals("ro"));
    }

    /** An absolute path in the container other than its root, without a .. component or control characters. */
    public static boolean validDestination(String destination) {
        return destination.startsWith("/") && destination.chars().noneMatch(c -> c < 0x20 || c == 0x7f)
                && !destination.contains("/../") && !destination.endsWith("/..")
                && !java.nio.file.Path.of(destination).normalize().toString().equals("/");
    }
}
