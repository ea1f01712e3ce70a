package io.ferry.core.network;

import io.ferry.protocol.Identifiers;

/** Dotted-quad IPv4 addresses as unsigned 32-bit values (in a long); strict: no leading zeros, no short forms. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static long parse(String text, String what) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(text, what);
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw invalid(text, what);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw invalid(text, what);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static boolean isValid(String text) {
        try {
            parse(text, "address");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The address in its one canonical spelling (so "10.89.0.5" is one file name, one map key). */
    public static String canonical(String text, String what) {
        return format(parse(text, what));
    }

    public static String format(long value) {
        return ((value >> 24) & 0xFF) + "." + ((value >> 16) & 0xFF) + "." + ((value >> 8) & 0xFF) + "." + (value & 0xFF);
    }

    private static IllegalArgumentException invalid(String text, String what) {
        return new IllegalArgumentException("invalid " + what + " " + Identifiers.quote(text)
                + ": expected an IPv4 address A.B.C.D");
    }
}
