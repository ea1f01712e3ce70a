package io.ferry.core.network;

import java.util.Arrays;

/**
 * A network's VXLAN device, enslaved to its bridge: the same VNI on every host, learning on, broadcast and
 * unknown traffic sent to every peer by head-end replication (one all-zero FDB entry per peer).
 */
public final class VxlanOverlay {
    private static final String ALL_ZERO = "00:00:00:00:00:00";
    private final HostShell shell;
    private final String hostId;

    public VxlanOverlay(HostShell shell, String hostId) {
        this.shell = shell;
        this.hostId = hostId;
    }

    public String device(NetworkConfig network) {
        return LinkNames.vxlan(hostId, network.name());
    }

    /** Creates or repairs it; idempotent. */
    public void ensure(NetworkConfig network) {
        NetworkConfig.Overlay o = network.overlay();
        if (o == null) {
            return;
        }
        String dev = device(network);
        if (!shell.run("ip", "link", "show", "dev", dev).ok()) {
            shell.check("creating VXLAN device " + dev, "ip", "link", "add", dev, "type", "vxlan", "id",
                    Integer.toString(o.vni()), "dstport", Integer.toString(o.port()), "local", o.local(), "learning");
        }
        shell.check("attaching " + dev + " to " + network.bridge(), "ip", "link", "set", dev, "mtu",
                Integer.toString(network.mtu()), "master", network.bridge(), "up");
        String fdb = shell.check("reading the FDB of " + dev, "bridge", "fdb", "show", "dev", dev).stdout();
        for (String peer : o.peers()) {
            boolean present = Arrays.stream(fdb.split("\n"))
                    .anyMatch(l -> l.startsWith(ALL_ZERO + " ") && l.contains(" dst " + peer + " "));
            if (!present) {
                shell.check("adding VXLAN peer " + peer, "bridge", "fdb", "append", ALL_ZERO, "dev", dev, "dst", peer);
            }
        }
    }

    public void remove(NetworkConfig network) {
        String dev = device(network);
        if (shell.run("ip", "link", "show", "dev", dev).ok()) {
            shell.check("deleting VXLAN device " + dev, "ip", "link", "del", dev);
        }
    }
}
