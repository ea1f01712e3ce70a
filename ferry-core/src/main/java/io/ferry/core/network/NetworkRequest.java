package io.ferry.core.network;

import java.util.List;

/**
 * What a container asks of the network at {@code run} ({@code --network NAME [--ip IP] [--mac-address MAC]
 * [-p ...]}); kept in its config.dump. {@code network} "none" (or a null request): loopback only, as before.
 * {@code ip}/{@code mac} null: the host picks them.
 */
public record NetworkRequest(String network, String ip, String mac, List<PortMapping> ports) {
    public static final String NONE = "none";

    public NetworkRequest {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public static NetworkRequest none() {
        return new NetworkRequest(NONE, null, null, List.of());
    }

    public boolean isNone() {
        return network == null || network.equals(NONE);
    }
}
