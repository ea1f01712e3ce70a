package io.ferry.core.container;

/**
 * Recorded lifecycle; "running" is confirmed against the runtime when listed. RESTORING is a restore's
 * intent, written before the runtime is called and replaced once the copy runs: found by a process
 * other than the one restoring, it is what a crash left behind (see {@code Reconciler}).
 */
public enum ContainerState {
    CREATED, RUNNING, EXITED, RESTORING
}
