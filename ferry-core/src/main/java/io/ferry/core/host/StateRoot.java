package io.ferry.core.host;

import io.ferry.core.os.FileTrees;

import java.nio.file.Path;
import java.util.List;

/**
 * The state root and Ferry's directories under it are 0700, as Podman's storage is: what they hold
 * (container root filesystems, volumes, image layers, checkpoint staging) is container content,
 * setuid files included, and no unprivileged host user may reach it. A root created by an older
 * Ferry with 0755 is tightened on open.
 */
public final class StateRoot {
    private StateRoot() {
    }

    public static void secure(Host host) {
        for (Path dir : List.of(host.root(), host.containers(), host.volumes(), host.images(), host.tmp(),
                host.runcRoot())) {
            FileTrees.createPrivateDirectories(dir);
        }
    }
}
