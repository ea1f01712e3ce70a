package io.ferry.core.checkpoint;

import java.util.concurrent.CompletableFuture;

/**
 * A post-copy source's page server: it holds the container's memory pages until the target has fetched
 * them all ({@link #done()} completes), or fails ({@link #done()} completes exceptionally with the reason,
 * also when no target fetched them within the configured bound).
 *
 * <p>The source copy is held <em>frozen</em> here meanwhile and afterwards (paused, intact: CRIU dumped it
 * with --leave-running), because CRIU counts a target that hung up halfway as "all pages served". It goes
 * only when {@link #release()} says the target has them all; {@link #close()} without a release brings it
 * back to run here (the rollback).
 */
public interface PageServing extends AutoCloseable {
    /** Where the pages are served (the port actually bound). */
    PageServer endpoint();

    /** CRIU served every page the target asked for and ended (0), or the serving failed or was stopped. */
    CompletableFuture<PageTransfer> done();

    /**
     * The target confirmed that every page arrived (its {@link PageFetching#done()} completed): the frozen
     * source copy is removed and its record reads exited and checkpointed, as after a stop-and-copy
     * checkpoint. Stops a serving that still runs first. Idempotent.
     */
    void release();

    /**
     * Stops serving (if it still runs) and, unless {@link #release()}d, makes the frozen source copy run
     * here again: a rollback. The caller makes sure no target copy runs on (a target whose page server
     * went away cannot go on: its restored process is killed there). Idempotent; a no-op after release.
     */
    @Override
    void close();
}
