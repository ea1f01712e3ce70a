package io.ferry.core.checkpoint;

/**
 * Where a post-copy source serves the memory pages it kept back (CRIU's page server): an IP address and a
 * port ({@code 0} when asking the source to listen: pick a free one).
 */
public record PageServer(String address, int port) {
    public PageServer {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a page server needs an address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("page server port " + port + " is out of range");
        }
    }

    /** This server with a free port picked now if it asks for any (port 0): where it will listen, known in advance. */
    public PageServer withPortPicked() {
        return port != 0 ? this : new PageServer(address, FreePorts.pick(address));
    }

    /** ADDRESS:PORT, as CRIU's and runc's --page-server take it. */
    public String hostPort() {
        return address + ":" + port;
    }

    /** Parses ADDRESS:PORT (an IPv6 address in brackets), or IllegalArgumentException saying what is wrong. */
    public static PageServer parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("no page server given (ADDRESS:PORT)");
        }
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("page server '" + spec + "' is not ADDRESS:PORT");
        }
        String address = spec.substring(0, colon);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        try {
            return new PageServer(address, Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("page server '" + spec + "' has no numeric port");
        }
    }
}
