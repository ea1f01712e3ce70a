package io.ferry.core.os;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/** Files that hold a container's memory and files (archives, checkpoint-image layers): readable by their owner alone. */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /**
     * A new file, owner-only from the first byte. Created and opened in one call (O_EXCL): opened again by
     * name, a link swapped in meanwhile by whoever else writes to that directory would be followed.
     */
    public static OutputStream create(Path file) throws IOException {
        Files.deleteIfExists(file); // a leftover of a crashed export (or a link: removed, not followed)
        return Channels.newOutputStream(Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
    }
}
