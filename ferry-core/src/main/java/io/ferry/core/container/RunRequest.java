package io.ferry.core.container;

import java.util.List;

/** {@code ferry run -d [--name NAME] [-v VOL:/path] IMAGE CMD...}; a null name gets one generated. */
public record RunRequest(String name, String image, List<String> command, List<VolumeMount> volumes) {
    public RunRequest {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("no command given: ferry run needs IMAGE CMD [ARG...]");
        }
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
}
