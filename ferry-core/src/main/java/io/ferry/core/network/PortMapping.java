package io.ferry.core.network;

/**
 * {@code -p [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]}: a port of the container published on the host (Podman's
 * syntax). {@code hostIp} null or "0.0.0.0": every address of the host. Printed as Podman's ps does:
 * {@code 0.0.0.0:8080->80/tcp}.
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    public PortMapping {
        protocol = protocol == null ? "tcp" : protocol;
    }

    /** Parses (and checks) the -p syntax; IllegalArgumentException with the reason otherwise. */
    public static PortMapping parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("invalid port mapping \"\": expected [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]");
        }
        String rest = spec;
        String protocol = "tcp";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            protocol = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw invalid(spec, "the protocol must be tcp or udp");
            }
        }
        String[] parts = rest.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw invalid(spec, "expected [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]");
        }
        String hostIp = null;
        if (parts.length == 3) {
            if (!parts[0].isEmpty()) {
                if (!Ipv4.isValid(parts[0])) {
                    throw invalid(spec, "the host address " + io.ferry.protocol.Identifiers.quote(parts[0])
                            + " is not an IPv4 address");
                }
                hostIp = Ipv4.canonical(parts[0], "host address");
            }
        }
        int hostPort = port(spec, parts[parts.length - 2], "host port");
        int containerPort = port(spec, parts[parts.length - 1], "container port");
        return new PortMapping(hostIp, hostPort, containerPort, protocol);
    }

    private static int port(String spec, String text, String what) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(spec, "the " + what + " " + io.ferry.protocol.Identifiers.quote(text) + " is not a number");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw invalid(spec, "the " + what + " " + port + " is not in 1-65535");
        }
        return port;
    }

    private static IllegalArgumentException invalid(String spec, String reason) {
        return new IllegalArgumentException("invalid port mapping " + io.ferry.protocol.Identifiers.quote(spec) + ": "
                + reason);
    }

    /** True when both would take the same host port (the same protocol, and an address in common). */
    public boolean clashesWith(PortMapping other) {
        return hostPort == other.hostPort && protocol.equals(other.protocol)
                && (isAnyAddress() || other.isAnyAddress() || hostIp.equals(other.hostIp));
    }

    private boolean isAnyAddress() {
        return hostIp == null || hostIp.equals("0.0.0.0");
    }

    /** This mapping as Podman's ps prints it. */
    @Override
    public String toString() {
        return (hostIp == null ? "0.0.0.0" : hostIp) + ":" + hostPort + "->" + containerPort + "/" + protocol;
    }
}
