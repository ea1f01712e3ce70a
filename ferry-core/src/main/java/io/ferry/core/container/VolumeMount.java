package io.ferry.core.container;

import io.ferry.core.volume.VolumeStore;
import io.ferry.protocol.Identifiers;

/** {@code -v NAME:/path[:ro]}: a named volume mounted into a container. */
public record VolumeMount(String name, String destination, boolean readOnly) {

    public static VolumeMount parse(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith("/")
                || (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw"))) {
            throw new IllegalArgumentException("invalid volume \"" + spec + "\": use NAME:/absolute/path[:ro|rw]");
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
