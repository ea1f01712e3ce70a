package io.ferry.core.container;

import java.time.Instant;

/** A container as the host keeps it: its config and its lifecycle as Ferry last recorded it. */
public record ContainerRecord(ContainerConfig config, ContainerState state, Instant startedAt, Instant finishedAt,
                              boolean checkpointed, String restoredFrom) {

    public ContainerRecord withState(ContainerState newState, Instant finished, boolean wasCheckpointed) {
        return new ContainerRecord(config, newState, startedAt, finished, wasCheckpointed, restoredFrom);
    }

    public String id() {
        return config.id();
    }

    public String name() {
        return config.name();
    }
}
