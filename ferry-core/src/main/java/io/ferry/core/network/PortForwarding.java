package io.ferry.core.network;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's published ports: DNAT rules in FERRY-HOSTPORTS tagged {@code ferry:<container id>}, so
 * unpublishing removes exactly that container's rules (forwarding to the bridge is FERRY-FORWARD's).
 */
public final class PortForwarding {
    private final Iptables iptables;

    public PortForwarding(Iptables iptables) {
        this.iptables = iptables;
    }

    public void publish(String containerId, NetworkAttachment a) {
        for (PortMapping p : a.ports()) {
            iptables.ensureRule("nat", Masquerade.HOSTPORTS, false, rule(containerId, a.ip(), p));
        }
    }

    public void unpublish(String containerId) {
        iptables.deleteTagged("nat", Masquerade.HOSTPORTS, tag(containerId));
    }

    static String tag(String containerId) {
        return "ferry:" + containerId;
    }

    static List<String> rule(String containerId, String ip, PortMapping p) {
        List<String> r = new ArrayList<>();
        if (p.hostIp() != null && !p.hostIp().equals("0.0.0.0")) {
            r.addAll(List.of("-d", p.hostIp() + "/32"));
        }
        r.addAll(List.of("-p", p.protocol(), "-m", p.protocol(), "--dport", Integer.toString(p.hostPort()),
                "-m", "comment", "--comment", tag(containerId),
                "-j", "DNAT", "--to-destination", ip + ":" + p.containerPort()));
        return r;
    }
}
