package io.ferry.core.os;

import io.ferry.protocol.Identifiers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths built from identifiers, checked to stay under their root before use: each part is one plain
 * file name (no '/', no "." or "..", no NUL), and no part that already exists below the root is a
 * symbolic link. A path that would leave the root is refused, never normalized into something else.
 */
public final class Confined {
    private Confined() {
    }

    /** {@code root/part1/part2...}, or IllegalArgumentException naming the offending part. */
    public static Path resolve(Path root, String... parts) {
        Path p = root;
        for (String part : parts) {
            if (part == null || part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('/') >= 0
                    || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("refusing path " + Identifiers.quote(part)
                        + " below " + root + ": it is not a plain file name");
            }
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException("refusing path " + p + ": it is a symbolic link below " + root);
            }
        }
        if (!p.normalize().startsWith(root.normalize())) { // cannot happen after the checks above; kept as the rule
            throw new IllegalArgumentException("refusing path " + p + ": it leaves " + root);
        }
        return p;
    }
}
