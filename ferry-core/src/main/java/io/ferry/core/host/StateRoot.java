package io.ferry.core.host;

import io.ferry.core.error.FerryException;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The state root and Ferry's directories under it are 0700, as Podman's storage is: what they hold
 * (container root filesystems, volumes, image layers, checkpoint staging) is container content,
 * setuid files included, and no unprivileged host user may reach it. A root created by an older
 * Ferry with 0755 is tightened on open.
 *
 * <p>0700 is worth nothing under a directory another user controls: they could rename the root away
 * and put their own in its place. So every existing ancestor must belong to root (or to this user)
 * and be writable by no one else, unless its sticky bit forbids renaming others' entries (/tmp).
 */
public final class StateRoot {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private StateRoot() {
    }

    public static void secure(Host host) {
        checkAncestors(host.root());
        for (Path dir : List.of(host.root(), host.containers(), host.volumes(), host.images(), host.tmp(),
                host.runcRoot())) {
            FileTrees.createPrivateDirectories(dir);
        }
    }

    /** Refuses a state root below a directory that another user owns or may write to. */
    static void checkAncestors(Path root) {
        try {
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Path existing = root.toAbsolutePath().normalize();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            for (Path p = existing == null ? null : existing.toRealPath(); p != null; p = p.getParent()) {
                int owner = (Integer) Files.getAttribute(p, "unix:uid");
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                if (owner != 0 && owner != self) {
                    throw unsafe(root, p, "belongs to uid " + owner);
                }
                if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
                    throw unsafe(root, p, "is writable by other users (mode " + Integer.toOctalString(mode & 07777) + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the state root " + root + ": " + e.getMessage(), e);
        }
    }

    private static FerryException unsafe(Path root, Path ancestor, String why) {
        return new FerryException("the state root " + root + " is below " + ancestor + ", which " + why
                + ": another user could replace the state root; choose a root below directories only root controls");
    }
}
