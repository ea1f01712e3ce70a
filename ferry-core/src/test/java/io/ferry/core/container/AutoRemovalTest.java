package io.ferry.core.container;

import io.ferry.core.runtime.RuntimeState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** run --rm: which containers go once they no longer run. */
class AutoRemovalTest {
    private static final RuntimeState STOPPED = new RuntimeState("stopped", 0);
    private static final RuntimeState RUNNING = new RuntimeState("running", 42);
    private static final RuntimeState PAUSED = new RuntimeState("paused", 42);

    private static ContainerRecord record(boolean rm, ContainerState state, boolean checkpointed) {
        ContainerConfig config = new ContainerConfig("a".repeat(64), "c", "busybox:latest", "b".repeat(64),
                List.of("sh"), List.of(), Instant.EPOCH, null, rm ? Boolean.TRUE : null);
        return new ContainerRecord(config, state, Instant.EPOCH, null, checkpointed, null, null);
    }

    @Test
    void anRmContainerThatExitedOrWasStoppedIsDue() {
        assertThat(AutoRemoval.due(record(true, ContainerState.RUNNING, false), STOPPED, false)).isTrue();
        assertThat(AutoRemoval.due(record(true, ContainerState.EXITED, false), RuntimeState.MISSING, false)).isTrue();
    }

    @Test
    void aRunningPausedOrNonRmContainerIsNot() {
        assertThat(AutoRemoval.due(record(true, ContainerState.RUNNING, false), RUNNING, false)).isFalse();
        assertThat(AutoRemoval.due(record(true, ContainerState.RUNNING, false), PAUSED, false)).isFalse();
        assertThat(AutoRemoval.due(record(false, ContainerState.EXITED, false), STOPPED, false)).isFalse();
    }

    @Test
    void aCheckpointedOrRestoringContainerIsNeverDue() {
        assertThat(AutoRemoval.due(record(true, ContainerState.EXITED, true), RuntimeState.MISSING, false)).isFalse();
        assertThat(AutoRemoval.due(record(true, ContainerState.EXITED, false), RuntimeState.MISSING, true)).isFalse();
        assertThat(AutoRemoval.due(record(true, ContainerState.RESTORING, false), RuntimeState.MISSING, false)).isFalse();
    }
}
