package io.ferry.core.network;

import io.ferry.core.error.ConflictException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sockets the host's own processes listen on (ss(8) in the host's namespace). A published port's DNAT
 * (PREROUTING and OUTPUT, any local address) would silently take such a service's clients, e.g. an archive's
 * port 8083 the restore-service's, or 22 sshd's: like Podman, whose bind of the host port fails then, a port
 * in use is refused.
 */
final class HostListeners {
    private final HostShell shell;

    HostListeners(HostShell shell) {
        this.shell = shell;
    }

    /** ConflictException naming the first mapping whose host port a process of the host listens on. */
    void requireFree(List<PortMapping> ports) {
        if (ports.isEmpty()) {
            return;
        }
        List<String> tcp = localAddresses("-ltn");
        List<String> udp = localAddresses("-lun");
        for (PortMapping p : ports) {
            for (String local : p.protocol().equals("udp") ? udp : tcp) {
                if (takes(p, local)) {
                    throw new ConflictException("host port " + p.hostPort() + "/" + p.protocol() + " is in use on this"
                            + " host (a process listens on " + local + "): cannot listen on the "
                            + p.protocol().toUpperCase(Locale.ROOT) + " port: listen " + p.protocol() + "4 "
                            + (p.hostIp() == null ? "" : p.hostIp()) + ":" + p.hostPort()
                            + ": bind: address already in use");
                }
            }
        }
    }

    private List<String> localAddresses(String flags) {
        var r = shell.check("listing the host's listening sockets", "ss", "-H", "-n", flags);
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] cols = line.strip().split("\\s+");
            if (cols.length >= 5) {
                out.add(cols[3]); // State Recv-Q Send-Q Local:Port Peer:Port
            }
        }
        return out;
    }

    /**
     * Whether the mapping's DNAT would catch connections meant for a listener at {@code local} (ss's
     * "ADDR:PORT", "[V6]:PORT", "ADDR%IF:PORT", "*:PORT"): same port, and the mapping takes every address, or
     * the listener's address is a wildcard, an IPv6 one (conservatively), or the mapping's (pure: unit-tested).
     */
    static boolean takes(PortMapping p, String local) {
        int colon = local.lastIndexOf(':');
        if (colon < 0 || !local.substring(colon + 1).equals(Integer.toString(p.hostPort()))) {
            return false;
        }
        String address = local.substring(0, colon);
        int percent = address.indexOf('%');
        if (percent >= 0) {
            address = address.substring(0, percent);
        }
        boolean anyMapping = p.hostIp() == null || p.hostIp().equals("0.0.0.0");
        return anyMapping || address.equals("*") || address.equals("0.0.0.0") || !Ipv4.isValid(address)
                || address.equals(p.hostIp());
    }
}
