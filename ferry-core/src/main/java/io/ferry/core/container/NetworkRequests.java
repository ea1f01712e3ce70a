package io.ferry.core.container;

import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import io.ferry.protocol.Identifiers;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a container's network request (from {@code run} flags, or config.dump of an untrusted archive)
 * before a name reaches ip(8) or iptables: network name, IPv4 address, unicast MAC, ports. Each refusal is
 * an IllegalArgumentException naming the field, e.g. {@code container.network.ip}.
 */
public final class NetworkRequests {
    /** More than any service publishes; bounds the rules an archive can make a host write. */
    public static final int MAX_PORTS = 64;
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

    private NetworkRequests() {
    }

    /** The request when valid; {@code field} prefixes the field names in the messages. */
    public static NetworkRequest check(String field, NetworkRequest request) {
        if (request == null) {
            return null;
        }
        if (request.network() == null) {
            throw new IllegalArgumentException(field + ".network is missing (\"none\" for loopback only)");
        }
        if (request.isNone()) {
            if (request.ip() != null || request.mac() != null || !request.ports().isEmpty()) {
                throw new IllegalArgumentException("invalid " + field + ": an address, MAC or published port needs"
                        + " a network, and " + field + ".network is \"none\"");
            }
            return request;
        }
        Identifiers.name(field + ".network", request.network());
        if (request.ip() != null) {
            unicastIpv4(field + ".ip", request.ip());
        }
        if (request.mac() != null) {
            unicastMac(field + ".mac", request.mac());
        }
        List<PortMapping> ports = request.ports();
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException(field + ".ports has " + ports.size() + " entries; at most " + MAX_PORTS
                    + " are allowed");
        }
        for (int i = 0; i < ports.size(); i++) {
            port(field + ".ports[" + i + "]", ports.get(i));
        }
        return request;
    }

    /** A host's address for a container: IPv4, not 0.x, loopback, multicast, reserved or broadcast. */
    public static String unicastIpv4(String field, String ip) {
        int[] octets = ipv4(field, ip);
        if (octets[0] == 0 || octets[0] == 127 || octets[0] >= 224) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(ip)
                    + ": a unicast IPv4 address is required (not 0.x, 127.x, multicast or reserved)");
        }
        return ip;
    }

    /** A unicast MAC address: six hex octets with ':', the multicast bit clear, not all zeros. */
    public static String unicastMac(String field, String mac) {
        if (mac == null || !MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(mac)
                    + ": a MAC address like 02:42:ac:11:00:02 is required");
        }
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        if ((first & 1) != 0 || mac.replace(":", "").matches("0+")) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(mac)
                    + ": a unicast MAC address is required (the first octet even, not all zeros)");
        }
        return mac;
    }

    private static void port(String field, PortMapping p) {
        if (p == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (p.hostIp() != null) {
            int[] octets = ipv4(field + ".hostIp", p.hostIp());
            if (octets[0] >= 224) {
                throw new IllegalArgumentException("invalid " + field + ".hostIp " + Identifiers.quote(p.hostIp())
                        + ": a host address (or 0.0.0.0) is required");
            }
        }
        portNumber(field + ".hostPort", p.hostPort());
        portNumber(field + ".containerPort", p.containerPort());
        if (!"tcp".equals(p.protocol()) && !"udp".equals(p.protocol())) {
            throw new IllegalArgumentException("invalid " + field + ".protocol " + Identifiers.quote(p.protocol())
                    + ": tcp or udp is required");
        }
    }

    private static void portNumber(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid " + field + " " + port + ": a port from 1 to 65535 is required");
        }
    }

    private static int[] ipv4(String field, String ip) {
        if (ip == null || ip.length() > 15 || !IPV4.matcher(ip).matches()) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(ip)
                    + ": an IPv4 address like 10.89.0.5 is required");
        }
        String[] parts = ip.split("\\.");
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] > 255) {
                throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(ip)
                        + ": an IPv4 address like 10.89.0.5 is required");
            }
        }
        return octets;
    }
}
