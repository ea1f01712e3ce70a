package io.ferry.spring.host;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The address this host reaches the rest of Ferry from: the local address of the route towards the Kafka
 * broker (a UDP "connect" sends nothing; it only asks the kernel which interface it would use). Other
 * hosts reach this one on that network, so it is what a host advertises by default (its direct-transfer
 * endpoint, its page server), not the machine's name, which often resolves to a loopback address.
 */
public final class OutgoingAddress {
    private OutgoingAddress() {
    }

    /** {@code bootstrapServers}: Spring's list, HOST:PORT[,HOST:PORT...]; the first one that routes decides. */
    public static Optional<String> towards(String bootstrapServers) {
        if (bootstrapServers == null) {
            return Optional.empty();
        }
        for (String server : bootstrapServers.split(",")) {
            String s = server.strip().replaceFirst("^[A-Za-z]+://", "");
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = s.substring(0, colon).replace("[", "").replace("]", "");
            try (DatagramSocket probe = new DatagramSocket()) {
                probe.connect(new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(s.substring(colon + 1))));
                InetAddress local = probe.getLocalAddress();
                if (local != null && !local.isAnyLocalAddress()) {
                    return Optional.of(local.getHostAddress());
                }
            } catch (java.io.IOException | RuntimeException e) {
                // an unresolvable or unroutable entry: try the next
            }
        }
        return Optional.empty();
    }
}
