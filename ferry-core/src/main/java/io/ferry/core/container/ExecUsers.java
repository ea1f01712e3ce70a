package io.ferry.core.container;

import io.ferry.core.error.NotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code exec -u USER[:GROUP]}: runc takes numeric ids only, so names are looked up in the container's own
 * /etc/passwd and /etc/group, as Podman does. A user without a group gets its passwd entry's group.
 */
final class ExecUsers {
    /** Far beyond any real passwd or group file. */
    static final int MAX_BYTES = 4 << 20;

    private ExecUsers() {
    }

    static String resolve(Path rootfs, String spec) {
        String[] parts = spec.split(":", 2);
        if (parts[0].isEmpty()) {
            throw new IllegalArgumentException("invalid user \"" + spec + "\": use USER[:GROUP] or UID[:GID]");
        }
        String uid;
        String gid;
        if (parts[0].chars().allMatch(Character::isDigit)) {
            uid = parts[0];
            gid = entry(rootfs.resolve("etc/passwd"), 2, uid).map(f -> f[3]).orElse("0");
        } else {
            String[] user = entry(rootfs.resolve("etc/passwd"), 0, parts[0]).orElseThrow(() ->
                    new NotFoundException("unable to find user " + parts[0] + ": no matching entries in passwd file"));
            uid = user[2];
            gid = user[3];
        }
        if (parts.length == 2) {
            gid = parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty() ? parts[1]
                    : entry(rootfs.resolve("etc/group"), 0, parts[1]).map(f -> f[2]).orElseThrow(() ->
                    new NotFoundException("unable to find group " + parts[1] + ": no matching entries in group file"));
        }
        return uid + ":" + gid;
    }

    /**
     * The first line of a passwd/group file whose field {@code field} is {@code value}, split on ':'; only its
     * first {@link #MAX_BYTES} are read (the container's file, read by the host as root, may be of any size).
     */
    static Optional<String[]> entry(Path file, int field, String value) {
        try {
            // the container's files: a link (to the host's /etc/passwd, say) is not followed
            boolean plain = !Files.isSymbolicLink(file.getParent())
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
            if (!plain) {
                return Optional.empty();
            }
            byte[] head;
            // NOFOLLOW: a link swapped in after the check is refused by the open (O_NOFOLLOW) too
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(MAX_BYTES);
            }
            return new String(head, StandardCharsets.UTF_8).lines().map(l -> l.split(":", -1))
                    .filter(f -> f.length > 3 && f[field].equals(value)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
