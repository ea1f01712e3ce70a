package io.ferry.core.runtime;

/** What the runtime says of a container: its status word (running, stopped, paused, created) and init pid. */
public record RuntimeState(String status, long pid) {
    public static final RuntimeState MISSING = new RuntimeState("missing", 0);

    public boolean running() {
        return status.equals("running") || status.equals("paused");
    }
}
