package io.ferry.core.checkpoint;

import java.util.concurrent.CompletableFuture;

/**
 * A post-copy target's page fetching (CRIU's lazy-pages daemon): completes when every memory page has
 * arrived from the source, exceptionally (with the reason) when the transfer broke off or did not finish
 * within the configured bound; then the restored process could not go on: it has been killed and its
 * record reads exited (not running), with no daemon or CRIU mount left behind.
 */
public interface PageFetching {
    CompletableFuture<PageTransfer> done();
}
