package io.ferry.core.checkpoint;

import java.util.concurrent.CompletableFuture;

/**
 * A post-copy source's page server: it holds the container's memory pages until the target has fetched
 * them all ({@link #done()} completes), or fails ({@link #done()} completes exceptionally with the reason).
 */
public interface PageServing extends AutoCloseable {
    /** Where the pages are served (the port actually bound). */
    PageServer endpoint();

    CompletableFuture<PageTransfer> done();

    /**
     * Stops serving. Before the target fetched a page the container is brought back to run here (a rollback);
     * afterwards the pages that did not go are lost with the server.
     */
    @Override
    void close();
}
