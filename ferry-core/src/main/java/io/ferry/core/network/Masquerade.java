package io.ferry.core.network;

import java.util.ArrayList;
import java.util.List;

/**
 * Ferry's own netfilter chains and each network's egress NAT and forwarding:
 * nat FERRY-POSTROUTING (masquerade of the subnet leaving by another link, and of 127.0.0.0/8 sources sent to
 * the bridge by a published port's DNAT), nat FERRY-HOSTPORTS (jumped to from PREROUTING and OUTPUT for local
 * destinations), filter FERRY-FORWARD (first in FORWARD, since Docker sets FORWARD's policy to DROP).
 */
public final class Masquerade {
    public static final String POSTROUTING = "FERRY-POSTROUTING";
    public static final String HOSTPORTS = "FERRY-HOSTPORTS";
    public static final String FORWARD = "FERRY-FORWARD";
    /**
     * filter, first in INPUT: what Ferry's networks must not let in (VXLAN datagrams but from the peers, a
     * bridge's packets to 127.0.0.0/8 that route_localnet would accept).
     */
    public static final String INPUT = "FERRY-INPUT";
    private final HostShell shell;
    private final Iptables iptables;

    public Masquerade(HostShell shell, Iptables iptables) {
        this.shell = shell;
        this.iptables = iptables;
    }

    /** The chains, the jumps into them and ip_forward; idempotent. */
    public void ensureBase() {
        shell.sysctl("net.ipv4.ip_forward", "1");
        iptables.ensureChain("nat", POSTROUTING);
        iptables.ensureChain("nat", HOSTPORTS);
        iptables.ensureChain("filter", FORWARD);
        iptables.ensureChain("filter", INPUT);
        iptables.ensureRule("nat", "POSTROUTING", false, List.of("-j", POSTROUTING));
        List<String> local = List.of("-m", "addrtype", "--dst-type", "LOCAL", "-j", HOSTPORTS);
        iptables.ensureRule("nat", "PREROUTING", false, local);
        iptables.ensureRule("nat", "OUTPUT", false, local);
        iptables.ensureRule("filter", "FORWARD", true, List.of("-j", FORWARD));
        iptables.ensureRule("filter", "INPUT", true, List.of("-j", INPUT));
    }

    public void ensureNetwork(NetworkConfig network) {
        for (Rule r : rules(network)) {
            iptables.ensureRule(r.table, r.chain, r.first, r.rule);
        }
    }

    public void removeNetwork(NetworkConfig network) {
        for (Rule r : rules(network)) {
            iptables.deleteRule(r.table, r.chain, r.rule);
        }
    }

    private record Rule(String table, String chain, List<String> rule, boolean first) {
        Rule(String table, String chain, List<String> rule) {
            this(table, chain, rule, false);
        }
    }

    private static List<Rule> rules(NetworkConfig n) {
        String b = n.bridge();
        String tag = "ferry-network:" + n.name();
        List<Rule> out = new ArrayList<>(overlayRules(n, tag));
        // route_localnet (for ports published on 127.0.0.1) also accepts a container's forged packets to the host's
        // loopback-only services (CVE-2020-8558): only answers (and DNATed ones) may come in so, as kube-proxy lets
        out.add(new Rule("filter", INPUT, List.of("-i", b, "-d", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate",
                "RELATED,ESTABLISHED,DNAT", "-m", "comment", "--comment", tag, "-j", "DROP")));
        out.addAll(List.of(
                new Rule("nat", POSTROUTING, List.of("-s", n.subnet(), "!", "-o", b, "-m", "comment", "--comment", tag,
                        "-j", "MASQUERADE")),
                new Rule("nat", POSTROUTING, List.of("-s", "127.0.0.0/8", "-o", b, "-m", "comment", "--comment", tag,
                        "-j", "MASQUERADE")),
                new Rule("filter", FORWARD, List.of("-i", b, "-m", "comment", "--comment", tag, "-j", "ACCEPT")),
                new Rule("filter", FORWARD, List.of("-o", b, "-m", "comment", "--comment", tag, "-j", "ACCEPT"))));
        return out;
    }

    /**
     * VXLAN has no authentication: anyone reaching the underlay port could inject frames with the network's VNI
     * (and, learning on, teach the bridge its MACs). Datagrams of this VNI (u32: the 24 bits at UDP offset 12) are
     * let in from the peers only (RETURN rules first, the DROP after them). A peer's address can still be spoofed
     * off-path: an untrusted underlay needs IPsec or WireGuard below VXLAN.
     */
    static List<Rule> overlayRules(NetworkConfig n, String tag) {
        NetworkConfig.Overlay o = n.overlay();
        if (o == null) {
            return List.of();
        }
        List<String> vni = List.of("-p", "udp", "-m", "udp", "--dport", Integer.toString(o.port()), "-m", "u32",
                "--u32", "0x0>>0x16&0x3c@0xc>>0x8=0x" + Integer.toHexString(o.vni()), "-m", "comment", "--comment", tag);
        List<Rule> out = new ArrayList<>();
        for (String peer : o.peers()) {
            List<String> r = new ArrayList<>(List.of("-s", peer + "/32", "-d", o.local() + "/32"));
            r.addAll(vni);
            r.addAll(List.of("-j", "RETURN"));
            out.add(new Rule("filter", INPUT, r, true));
        }
        List<String> drop = new ArrayList<>(vni);
        drop.addAll(List.of("-j", "DROP"));
        out.add(new Rule("filter", INPUT, drop));
        return out;
    }
}
