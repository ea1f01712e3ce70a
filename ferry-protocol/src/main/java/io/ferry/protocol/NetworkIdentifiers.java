package io.ferry.protocol;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 12: the network values a heartbeat carries (network names, IPv4 addresses and subnets, MACs, published
 * ports, VXLAN ids), checked where it is decoded like {@link Identifiers}: the gateway compares them in its
 * preflight and the dashboard shows them, so a forged one (markup, a newline, a list of a million entries) is
 * refused before either sees it. IPv4 only, as Ferry's networks are.
 */
public final class NetworkIdentifiers {
    /** A VXLAN network identifier is 24 bits; 0: a network of one host. */
    public static final int MAX_VNI = (1 << 24) - 1;
    /** Networks one host reports: far more than Podman users create, small enough for a heartbeat. */
    public static final int MAX_NETWORKS = 256;
    /** Addresses in use on one network: every address of a /16. */
    public static final int MAX_ADDRESSES = 1 << 16;
    /** Containers one heartbeat lists. */
    public static final int MAX_CONTAINERS = 10_000;
    /** Published ports of one container. */
    public static final int MAX_PORTS = 1024;

    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String IPV4_TEXT = OCTET + "(?:\\." + OCTET + "){3}";
    private static final Pattern IPV4 = Pattern.compile(IPV4_TEXT);
    private static final Pattern CIDR = Pattern.compile(IPV4_TEXT + "/(?:3[0-2]|[12]?[0-9])");
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}");
    /** As Podman's ps prints a published port ({@code 0.0.0.0:8080->80/tcp}), one port per mapping. */
    private static final Pattern PORT = Pattern.compile("(" + IPV4_TEXT + "):([0-9]{1,5})->([0-9]{1,5})/(tcp|udp|sctp)");

    private NetworkIdentifiers() {
    }

    /** A network name: the container name rule (Podman's), "none" included. */
    public static String networkName(String field, String value) {
        return Identifiers.name(field, value);
    }

    /** A dotted-quad IPv4 address. */
    public static String ipv4(String field, String value) {
        return check(field, value, IPV4, "must be an IPv4 address (a.b.c.d)");
    }

    /** An IPv4 subnet in CIDR notation ({@code 10.89.0.0/24}). */
    public static String subnet(String field, String value) {
        return check(field, value, CIDR, "must be an IPv4 subnet (a.b.c.d/prefix)");
    }

    /** A MAC address, six hex pairs joined by colons. */
    public static String mac(String field, String value) {
        return check(field, value, MAC, "must be a MAC address (xx:xx:xx:xx:xx:xx)");
    }

    /** A published port as Podman's ps prints it: {@code HOSTIP:HOSTPORT->CTRPORT/PROTO}, ports 0-65535. */
    public static String port(String field, String value) {
        check(field, value, PORT, "must be HOSTIP:HOSTPORT->CONTAINERPORT/tcp|udp|sctp");
        Matcher m = PORT.matcher(value);
        m.matches();
        if (Integer.parseInt(m.group(2)) > 65535 || Integer.parseInt(m.group(3)) > 65535) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(value) + ": ports are 0-65535");
        }
        return value;
    }

    public static int vni(String field, int value) {
        if (value < 0 || value > MAX_VNI) {
            throw new IllegalArgumentException("invalid " + field + " " + value + ": a VXLAN id is 0-" + MAX_VNI);
        }
        return value;
    }

    /** A list of at most {@code max} entries (null: none). */
    public static <T> List<T> bounded(String field, List<T> list, int max) {
        if (list != null && list.size() > max) {
            throw new IllegalArgumentException(field + ": " + list.size() + " entries, at most " + max);
        }
        return list == null ? List.of() : list;
    }

    private static String check(String field, String value, Pattern rule, String expected) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.length() > 64 || !rule.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + field + " " + Identifiers.quote(value) + ": " + expected);
        }
        return value;
    }
}
