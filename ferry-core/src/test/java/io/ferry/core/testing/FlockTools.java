package io.ferry.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's flock(1) for a container (Debian's busybox has no flock applet): copied with its loader and libc
 * into a volume mounted at /tools, and run by that loader ({@link #FLOCK}).
 */
public final class FlockTools {
    /** The command line that runs flock inside a container that has the volume at /tools. */
    public static final String FLOCK = "/tools/ld.so --library-path /tools /tools/flock";

    private FlockTools() {
    }

    /** Creates {@code volume} on the host with flock in it; returns the mount to run with ({@code VOLUME:/tools}). */
    public static String install(TestHost host, String volume) throws IOException {
        Path tools = host.engine().createVolume(volume).mountpoint();
        Files.copy(Path.of("/usr/bin/flock"), tools.resolve("flock"));
        Files.copy(Path.of("/lib64/ld-linux-x86-64.so.2"), tools.resolve("ld.so"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), tools.resolve("libc.so.6"));
        return volume + ":/tools";
    }
}
