package io.ferry.core.checkpoint;

import java.util.concurrent.CompletableFuture;

/**
 * A post-copy target's page fetching (CRIU's lazy-pages daemon): completes when every memory page has
 * arrived from the source, exceptionally (with the reason) when the transfer broke off and the restored
 * process could not go on.
 */
public interface PageFetching {
    CompletableFuture<PageTransfer> done();
}
