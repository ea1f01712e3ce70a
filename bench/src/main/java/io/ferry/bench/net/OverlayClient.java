package io.ferry.bench.net;

import io.ferry.bench.chaos.Sh;

import java.util.List;

/**
 * A client "host" of its own on a Ferry VXLAN network: a network namespace with a veth on the underlay bridge
 * (as the Ferry hosts have) and a VXLAN device of the network's VNI carrying an address of the overlay subnet,
 * flooding to the Ferry hosts (head-end replication, learning on, like Ferry's own devices). The Ferry hosts
 * list its underlay address among their peers, so it reaches a container wherever it runs. {@link #close}
 * removes the namespace (and with it the VXLAN device) and the veth.
 */
public final class OverlayClient implements AutoCloseable {
    private static final String VXLAN = "vx0";

    private final String netns;
    private final String link;

    /** {@code link}: the underlay veth's name on the bridge side (<= 15 characters). */
    public OverlayClient(String netns, String link) {
        this.netns = netns;
        this.link = link;
    }

    public String netns() {
        return netns;
    }

    /**
     * {@code underlay}: ADDRESS/PREFIX on {@code bridge}; {@code overlay}: ADDRESS/PREFIX in the network's subnet;
     * {@code peers}: the Ferry hosts' underlay addresses; {@code port}: the VXLAN UDP port the hosts use.
     */
    public void create(String bridge, String underlay, int vni, int port, List<String> peers, String overlay, int mtu) {
        close(); // a run killed before its close
        String local = underlay.substring(0, underlay.indexOf('/'));
        Sh.check("ip", "netns", "add", netns);
        Sh.check("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", netns);
        Sh.check("ip", "link", "set", link, "master", bridge, "up");
        ip("addr", "add", underlay, "dev", "eth0");
        ip("link", "set", "eth0", "up");
        ip("link", "set", "lo", "up");
        ip("link", "add", VXLAN, "type", "vxlan", "id", Integer.toString(vni), "local", local, "dstport",
                Integer.toString(port), "dev", "eth0");
        for (String peer : peers) {
            Sh.check("ip", "netns", "exec", netns, "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", VXLAN, "dst", peer);
        }
        ip("link", "set", VXLAN, "mtu", Integer.toString(mtu));
        ip("addr", "add", overlay, "dev", VXLAN);
        ip("link", "set", VXLAN, "up");
    }

    /** A command in the client's namespace (nsenter --net: no new mount namespace). */
    public Sh.Result run(String... cmd) {
        List<String> argv = new java.util.ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns));
        argv.addAll(List.of(cmd));
        return Sh.run(null, java.util.Map.of(), null, argv);
    }

    private void ip(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "-n", netns));
        argv.addAll(List.of(args));
        Sh.check(null, java.util.Map.of(), null, argv);
    }

    @Override
    public void close() {
        Sh.run("ip", "netns", "delete", netns);
        Sh.run("ip", "link", "delete", link);
    }
}
