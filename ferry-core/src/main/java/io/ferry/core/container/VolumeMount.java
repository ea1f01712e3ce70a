package io.ferry.core.container;

import io.ferry.core.volume.VolumeStore;
import io.ferry.protocol.Identifiers;

/**
 * {@code -v NAME:/path[:ro]}: a named volume mounted into a container; {@code -v /path}: an anonymous one
 * ({@code anonymous}, null: false as older configs say), named by 64 random hex digits as Podman names them,
 * removed with its container by {@code rm -v} and {@code run --rm}, and created anonymous again by a restore.
 */
public record VolumeMount(String name, String destination, boolean readOnly, Boolean anonymous) {

    public VolumeMount(String name, String destination, boolean readOnly) {
        this(name, destination, readOnly, null);
    }

    /** Whether the volume was made for this container alone ({@code -v /path}). */
    public boolean isAnonymous() {
        return Boolean.TRUE.equals(anonymous);
    }

    public static VolumeMount parse(String spec) {
        if (spec.startsWith("/") && !spec.contains(":")) {
            checkDestination("volume destination", spec);
            return new VolumeMount(ContainerStore.newId(), spec, false, Boolean.TRUE);
        }
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith("/")
                || (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw"))) {
            throw new IllegalArgumentException("invalid volume \"" + spec + "\": use NAME:/absolute/path[:ro|rw] or /absolute/path (an anonymous volume)");
        }
        checkDestination("volume destination", parts[1]);
        return new VolumeMount(VolumeStore.validName(parts[0]), parts[1], parts.length == 3 && parts[2].equals("ro"));
    }

    /**
     * A destination inside the container: absolute and clean (no ".", "..", empty parts or trailing
     * '/'), not "/" itself, no control characters, at most 4096 characters.
     */
    public static String checkDestination(String field, String destination) {
        boolean clean = destination != null && destination.startsWith("/") && destination.length() > 1
                && destination.length() <= 4096 && !destination.endsWith("/")
                && Identifiers.escape(destination).equals(destination) && destination.indexOf('\0') < 0;
        for (String part : clean ? destination.substring(1).split("/", -1) : new String[0]) {
            clean &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
        }
        if (!clean) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(destination)
                    + ": must be an absolute path without \".\", \"..\" or empty parts");
        }
        return destination;
    }
}
