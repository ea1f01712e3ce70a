package io.ferry.checkpointing;

import io.ferry.core.checkpoint.PageServing;
import io.ferry.protocol.MigrationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The page servers of this host's post-copy migrations, one per migration, from the checkpoint until the
 * migration is finalized or rolled back. The target reports when every page has arrived (it knows its process
 * has all its memory); this side logs its own view, and reports PostCopyFailed when its page server breaks off
 * on its own (not closed here): the pages that did not go are lost with it.
 */
final class PageServers {
    private static final Logger log = LoggerFactory.getLogger(PageServers.class);

    private final Map<String, PageServing> serving = new ConcurrentHashMap<>();
    private final Consumer<MigrationMessage> publish;

    PageServers(Consumer<MigrationMessage> publish) {
        this.publish = publish;
    }

    /** Keeps the migration's page server; {@code checkpoint}: the CheckpointCommand it serves, replies echo it. */
    void serve(MigrationMessage.CheckpointCommand checkpoint, PageServing server, String host) {
        String migration = checkpoint.meta().migrationId();
        serving.put(migration, server);
        server.done().whenComplete((transfer, error) -> {
            if (error == null) {
                log.info("post-copy of migration {}: the page server sent {} bytes in {} ms", migration, transfer.bytes(),
                        transfer.took().toMillis());
            } else if (serving.remove(migration, server)) { // not closed here by a finalize or a rollback
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                String reason = "the page server of " + host + " failed: " + (cause.getMessage() == null ? cause.toString()
                        : cause.getMessage());
                log.error("post-copy of migration {}: {}", migration, reason);
                try {
                    publish.accept(new MigrationMessage.PostCopyFailed(checkpoint.meta().reply("page-server-failed", host),
                            reason, true));
                } catch (RuntimeException e) {
                    log.error("reporting the page server failure of migration {}: {}", migration, e.getMessage());
                }
            }
        });
    }

    boolean serves(String migrationId) {
        return serving.containsKey(migrationId);
    }

    /**
     * Finalize: the target has every page (it said so before the gateway sent the finalize), so the server ends; it
     * is given up to {@code wait} to finish on its own first, then released: the held source copy goes (never
     * close(): that would make it run here again, a second copy). False when it had failed instead.
     */
    boolean finish(String migrationId, Duration wait) {
        PageServing server = serving.remove(migrationId);
        if (server == null) {
            return true;
        }
        try {
            server.done().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            log.warn("post-copy of migration {}: the page server ended with {}", migrationId, e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            log.warn("post-copy of migration {}: the page server still serves {} after the target had every page; released",
                    migrationId, wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            server.release();
        }
    }

    /**
     * Rollback: stops serving. Before the target fetched a page the engine brings the container back to run here;
     * afterwards the rollback that follows finds what the engine left (and says so).
     */
    void stop(String migrationId) {
        PageServing server = serving.remove(migrationId);
        if (server != null) {
            server.close();
        }
    }
}
