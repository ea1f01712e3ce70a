package io.ferry.core.container;

import io.ferry.core.network.NetworkRequest;

import java.util.List;

/**
 * {@code ferry run -d [--name NAME] [-v VOL:/path] [--network NET [--ip IP] [--mac-address MAC] [-p ...]] IMAGE CMD...};
 * a null name gets one generated; a null network request: none (loopback only); {@code autoRemove}: --rm.
 */
public record RunRequest(String name, String image, List<String> command, List<VolumeMount> volumes,
                         NetworkRequest network, boolean autoRemove) {
    public RunRequest {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("no command given: ferry run needs IMAGE CMD [ARG...]");
        }
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        network = network == null ? NetworkRequest.none() : network;
    }

    public RunRequest(String name, String image, List<String> command, List<VolumeMount> volumes,
                      NetworkRequest network) {
        this(name, image, command, volumes, network, false);
    }

    public RunRequest(String name, String image, List<String> command, List<VolumeMount> volumes) {
        this(name, image, command, volumes, null, false);
    }

    /** The same request with {@code --rm}. */
    public RunRequest removingOnExit() {
        return new RunRequest(name, image, command, volumes, network, true);
    }
}
