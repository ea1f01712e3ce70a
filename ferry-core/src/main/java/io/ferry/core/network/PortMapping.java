package io.ferry.core.network;

/**
 * {@code -p [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]}: a port of the container published on the host (Podman's
 * syntax). {@code hostIp} null or "0.0.0.0": every address of the host. Printed as Podman's ps does:
 * {@code 0.0.0.0:8080->80/tcp}.
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {

    /** Parses (and checks) the -p syntax; IllegalArgumentException with the reason otherwise. */
    public static PortMapping parse(String spec) {
        throw new UnsupportedOperationException("implemented by the networking change");
    }

    /** This mapping as Podman's ps prints it. */
    @Override
    public String toString() {
        return (hostIp == null ? "0.0.0.0" : hostIp) + ":" + hostPort + "->" + containerPort + "/" + protocol;
    }
}
