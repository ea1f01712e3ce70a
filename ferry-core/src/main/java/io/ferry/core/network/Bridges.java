package io.ferry.core.network;

/**
 * A network's Linux bridge on this host, with the gateway address and a MAC derived from the network (the
 * same on every host: an anycast gateway, so a container that moves keeps a valid ARP entry for it).
 */
public final class Bridges {
    private final HostShell shell;

    public Bridges(HostShell shell) {
        this.shell = shell;
    }

    /** Creates or repairs it; idempotent. */
    public void ensure(NetworkConfig network) {
        String name = network.bridge();
        if (!exists(name)) {
            shell.check("creating bridge " + name, "ip", "link", "add", name, "type", "bridge");
        }
        shell.check("configuring bridge " + name, "ip", "link", "set", name, "address", gatewayMac(network),
                "mtu", Integer.toString(network.mtu()));
        shell.check("setting the gateway address on " + name, "ip", "addr", "replace",
                network.gateway() + "/" + Cidr.parse(network.subnet(), "subnet").prefixLength(), "dev", name);
        // so a published port answers on 127.0.0.1 too: DNAT from loopback to the bridge (as Podman does)
        shell.sysctl("net.ipv4.conf." + name + ".route_localnet", "1");
        shell.check("bringing up bridge " + name, "ip", "link", "set", name, "up");
    }

    public void remove(String name) {
        if (exists(name)) {
            shell.check("deleting bridge " + name, "ip", "link", "del", name);
        }
    }

    public boolean exists(String link) {
        return shell.run("ip", "link", "show", "dev", link).ok();
    }

    /** Forgets what the host knows of an address on the bridge (its ARP entry). */
    public void forgetNeighbour(String bridge, String ip) {
        shell.run("ip", "neigh", "del", ip, "dev", bridge);
    }

    /** The bridge's MAC: from name, subnet and VNI, so every host of an overlay derives the same one. */
    public static String gatewayMac(NetworkConfig network) {
        int vni = network.overlay() == null ? 0 : network.overlay().vni();
        return MacAddresses.derived("ferry-gateway/" + network.name() + "/" + network.subnet() + "/" + vni);
    }
}
