package io.ferry.core.container;

/** Recorded lifecycle; "running" is confirmed against the runtime when listed. */
public enum ContainerState {
    CREATED, RUNNING, EXITED
}
