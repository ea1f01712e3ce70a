package io.ferry.core.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the links Ferry creates on a host: a two-letter kind and 12 hex digits of sha256(host id + what),
 * 14 characters (Linux allows 15), so two hosts sharing a machine never pick the same name.
 * fb: a network's bridge, fx: its VXLAN device, fv: a container's host-side veth, fp: its peer before it
 * moves into the container (then eth0).
 */
public final class LinkNames {
    private LinkNames() {
    }

    public static String bridge(String hostId, String network) {
        return "fb" + hash(hostId + network);
    }

    public static String vxlan(String hostId, String network) {
        return "fx" + hash(hostId + network);
    }

    public static String hostVeth(String hostId, String containerId) {
        return "fv" + hash(hostId + containerId);
    }

    public static String peerVeth(String hostId, String containerId) {
        return "fp" + hash(hostId + containerId);
    }

    static String hash(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
