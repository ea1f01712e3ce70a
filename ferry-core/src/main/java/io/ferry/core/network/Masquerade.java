package io.ferry.core.network;

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
        iptables.ensureRule("nat", "POSTROUTING", false, List.of("-j", POSTROUTING));
        List<String> local = List.of("-m", "addrtype", "--dst-type", "LOCAL", "-j", HOSTPORTS);
        iptables.ensureRule("nat", "PREROUTING", false, local);
        iptables.ensureRule("nat", "OUTPUT", false, local);
        iptables.ensureRule("filter", "FORWARD", true, List.of("-j", FORWARD));
    }

    public void ensureNetwork(NetworkConfig network) {
        for (Rule r : rules(network)) {
            iptables.ensureRule(r.table, r.chain, false, r.rule);
        }
    }

    public void removeNetwork(NetworkConfig network) {
        for (Rule r : rules(network)) {
            iptables.deleteRule(r.table, r.chain, r.rule);
        }
    }

    private record Rule(String table, String chain, List<String> rule) {
    }

    private static List<Rule> rules(NetworkConfig n) {
        String b = n.bridge();
        String tag = "ferry-network:" + n.name();
        return List.of(
                new Rule("nat", POSTROUTING, List.of("-s", n.subnet(), "!", "-o", b, "-m", "comment", "--comment", tag,
                        "-j", "MASQUERADE")),
                new Rule("nat", POSTROUTING, List.of("-s", "127.0.0.0/8", "-o", b, "-m", "comment", "--comment", tag,
                        "-j", "MASQUERADE")),
                new Rule("filter", FORWARD, List.of("-i", b, "-m", "comment", "--comment", tag, "-j", "ACCEPT")),
                new Rule("filter", FORWARD, List.of("-o", b, "-m", "comment", "--comment", tag, "-j", "ACCEPT")));
    }
}
