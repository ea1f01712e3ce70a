package io.ferry.core.network;

/**
 * An IPv4 subnet ({@code 10.89.0.0/24}): parsing, membership and the addresses a host may hand out.
 * Addresses are unsigned 32-bit values held in a long.
 */
public record Cidr(long network, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix length " + prefixLength);
        }
        network = network & mask(prefixLength);
    }

    /** Parses {@code A.B.C.D/P}; the address must be the subnet's first (Podman refuses 10.89.0.5/24 too). */
    public static Cidr parse(String text, String what) {
        if (text == null || text.indexOf('/') < 0) {
            throw new IllegalArgumentException("invalid " + what + " " + quote(text) + ": expected A.B.C.D/PREFIX");
        }
        int slash = text.indexOf('/');
        long address = Ipv4.parse(text.substring(0, slash), what);
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("invalid " + what + " " + quote(text) + ": the prefix length must be 0-32");
        }
        Cidr cidr = new Cidr(address, prefix);
        if (cidr.network != address) {
            throw new IllegalArgumentException("invalid " + what + " " + quote(text) + ": host bits are set (did you mean "
                    + cidr + "?)");
        }
        return cidr;
    }

    public static long mask(int prefixLength) {
        return prefixLength == 0 ? 0 : (0xFFFFFFFFL << (32 - prefixLength)) & 0xFFFFFFFFL;
    }

    public long broadcast() {
        return network | (~mask(prefixLength) & 0xFFFFFFFFL);
    }

    public long size() {
        return 1L << (32 - prefixLength);
    }

    public boolean contains(long address) {
        return (address & mask(prefixLength)) == network;
    }

    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    public boolean overlaps(Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    /** The first address after the network's own: the default gateway. */
    public long firstHost() {
        return prefixLength >= 31 ? network : network + 1;
    }

    /** True when the address may be given to a container or a gateway (not the network or broadcast address). */
    public boolean isHostAddress(long address) {
        return contains(address) && (prefixLength >= 31 || (address != network && address != broadcast()));
    }

    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefixLength;
    }

    private static String quote(String text) {
        return io.ferry.protocol.Identifiers.quote(text);
    }
}
