package io.ferry.core.container;

/** A container with its status confirmed against the runtime ("running", "exited", "created"). */
public record ContainerView(ContainerRecord record, String status, long pid) {
    public boolean running() {
        return status.equals("running");
    }
}
