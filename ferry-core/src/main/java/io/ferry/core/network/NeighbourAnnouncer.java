package io.ferry.core.network;

import io.ferry.core.error.ToolFailedException;

import java.nio.file.Path;
import java.util.List;

/**
 * Tells the network where a container's address is: a gratuitous ARP from the container's namespace
 * (iputils-arping), so bridges, VXLAN peers and neighbours update at once after a move.
 */
public final class NeighbourAnnouncer {
    private final HostShell shell;

    public NeighbourAnnouncer(HostShell shell) {
        this.shell = shell;
    }

    public void announce(Path netns, NetworkAttachment a) {
        var r = shell.runIn(netns, "arping", "-U", "-c", "2", "-w", "3", "-I", a.interfaceName(), a.ip());
        // arping -U exits 1 as no one answers an unsolicited ARP; only a tool that did not run is a failure
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw new ToolFailedException("announcing " + a.ip() + " failed (arping exit " + r.exitCode()
                    + "; install iputils-arping: scripts/install-host.sh)", r.errorLines().isEmpty() ? List.of() : r.errorLines());
        }
    }
}
