package io.ferry.core.runtime;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The OCI runtime driver (after Podman's OCIRuntime): runc today; crun or others can follow by
 * implementing this. Container ids are the engine's; each host has its own runtime state directory.
 */
public interface OciRuntime {

    /** "runc"; recorded in checkpoint archives and checked before a restore. */
    String name();

    String version();

    /**
     * Starts the bundle's container detached. Its stdout and stderr are a pipe whose read end is held
     * by a small shim process outside the JVM that appends to {@code logFile}, so the container
     * outlives the Java process and can be checkpointed (CRIU cannot dump host-file stdio).
     */
    void run(String id, Path bundle, Path logFile, Duration timeout);

    RuntimeState state(String id);

    /** The state of every container the runtime holds, by id, in one call (for listings). */
    Map<String, RuntimeState> states();

    void kill(String id, String signal);

    /**
     * Runs a command in the running container in the foreground ({@code runc exec}), its stdout and stderr
     * copied to {@code out} and {@code err}, stdin empty; returns the command's exit code. A command the
     * runtime could not start is an {@link ExecFailedException}.
     */
    int exec(String id, ExecRequest request, OutputStream out, OutputStream err);

    /** Freezes all of the container's processes (the freezer cgroup). */
    void pause(String id);

    void resume(String id);

    /** Removes the runtime's state for the container, killing it first if needed; no error if missing. */
    void delete(String id);

    /** Dumps the container with CRIU into {@code request.imagesDir()}. */
    void checkpoint(String id, CheckpointRequest request, Duration timeout);

    /**
     * Post-copy: dumps the container (paused by the caller) without its memory pages, which CRIU then serves
     * at {@code address:port}; returns once the images are complete (at most {@code timeout}).
     */
    LazyCheckpoint checkpointLazily(String id, CheckpointRequest request, String address, int port, Duration timeout);

    /** Restores the container from CRIU images into the bundle, detached, logging like {@link #run}. */
    void restore(String id, Path bundle, RestoreRequest request, Path logFile, Duration timeout);
}
