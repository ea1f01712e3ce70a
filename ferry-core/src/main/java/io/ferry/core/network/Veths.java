package io.ferry.core.network;

import java.nio.file.Path;

/**
 * A container's veth pair: the host side on the network's bridge, the peer moved into the container's
 * namespace as eth0 with its MAC, address, MTU and default route via the gateway.
 */
public final class Veths {
    private final HostShell shell;

    public Veths(HostShell shell) {
        this.shell = shell;
    }

    public void create(String hostVeth, String peer, Path netns, NetworkConfig network, NetworkAttachment a) {
        delete(hostVeth); // left by an attach that crashed: start clean
        String mtu = Integer.toString(network.mtu());
        shell.check("creating veth " + hostVeth, "ip", "link", "add", hostVeth, "mtu", mtu, "type", "veth",
                "peer", "name", peer, "mtu", mtu);
        shell.check("attaching " + hostVeth + " to " + network.bridge(), "ip", "link", "set", hostVeth,
                "master", network.bridge(), "up");
        shell.check("moving " + peer + " into " + netns, "ip", "link", "set", peer, "netns", netns.toString(),
                "name", a.interfaceName(), "address", a.mac());
        String eth = a.interfaceName();
        shell.checkIn(netns, "bringing up loopback", "ip", "link", "set", "lo", "up");
        // announce the address whenever the link comes up or its MAC changes
        shell.checkIn(netns, "setting arp_notify on " + eth, "sysctl", "-q", "-w", "net.ipv4.conf." + eth + ".arp_notify=1");
        shell.checkIn(netns, "adding " + a.ip() + " to " + eth, "ip", "addr", "replace",
                a.ip() + "/" + a.prefixLength(), "dev", eth);
        shell.checkIn(netns, "bringing up " + eth, "ip", "link", "set", eth, "up");
        shell.checkIn(netns, "adding the default route", "ip", "route", "replace", "default", "via", a.gateway(),
                "dev", eth);
    }

    /** Deletes the pair (if the container's namespace is gone, the pair went with it). */
    public void delete(String hostVeth) {
        if (exists(hostVeth)) {
            var r = shell.run("ip", "link", "del", hostVeth);
            if (!r.ok() && exists(hostVeth)) { // vanished in between (its namespace went): fine
                throw new io.ferry.core.error.ToolFailedException("deleting veth " + hostVeth + " failed", r.errorLines());
            }
        }
    }

    public boolean exists(String link) {
        return shell.run("ip", "link", "show", "dev", link).ok();
    }

    public void setUp(String hostVeth, boolean up) {
        shell.check((up ? "bringing up " : "taking down ") + hostVeth, "ip", "link", "set", hostVeth, up ? "up" : "down");
    }
}
