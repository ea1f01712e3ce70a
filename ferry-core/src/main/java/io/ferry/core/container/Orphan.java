package io.ferry.core.container;

/**
 * Something the engine created for a container that has no record (its {@code container.json} is
 * missing): a runtime container in this host's runc root, or a container directory. Listed by
 * {@code ferry ps -a}, removed by {@code ferry rm -f ID}.
 *
 * @param id            the container id
 * @param runtimeStatus what the runtime says of it ("running", "stopped", "created", ... or "missing")
 * @param what          what is left, in words
 */
public record Orphan(String id, String runtimeStatus, String what) {
    public boolean running() {
        return runtimeStatus.equals("running") || runtimeStatus.equals("paused");
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
