package io.ferry.core.network;

import io.ferry.protocol.Identifiers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Ethernet addresses of containers and bridges: checked, random or derived; always lower-case with colons. */
public final class MacAddresses {
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private MacAddresses() {
    }

    /** A unicast, non-zero address as given to {@code --mac-address} or kept by a restore. */
    public static String valid(String mac) {
        if (mac == null || !MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("invalid MAC address " + Identifiers.quote(mac)
                    + ": expected six hex octets separated by ':'");
        }
        String lower = mac.toLowerCase(Locale.ROOT);
        int first = Integer.parseInt(lower.substring(0, 2), 16);
        if ((first & 1) != 0) {
            throw new IllegalArgumentException("invalid MAC address " + lower + ": it is a multicast address");
        }
        if (lower.equals("00:00:00:00:00:00")) {
            throw new IllegalArgumentException("invalid MAC address " + lower + ": it is all zeros");
        }
        return lower;
    }

    /** A random locally administered unicast address, 02:xx:xx:xx:xx:xx. */
    public static String random() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        b[0] = 0x02;
        return format(b);
    }

    /** A locally administered address derived from {@code seed}: the same on every host that derives it. */
    public static String derived(String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            byte[] b = new byte[6];
            System.arraycopy(h, 0, b, 0, 6);
            b[0] = 0x02;
            return format(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String format(byte[] b) {
        HexFormat hex = HexFormat.ofDelimiter(":");
        return hex.formatHex(b);
    }
}
