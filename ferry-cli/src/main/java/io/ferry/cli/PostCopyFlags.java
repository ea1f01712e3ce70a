package io.ferry.cli;

import io.ferry.core.checkpoint.PageFetching;
import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.PageServing;
import io.ferry.core.checkpoint.PageTransfer;
import io.ferry.core.error.FerryException;

import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * {@code --lazy-pages --page-server ADDRESS:PORT} of checkpoint and restore (runc's flag names): what
 * combinations make sense, and the wait for the pages once the command has done its part.
 */
final class PostCopyFlags {
    private PostCopyFlags() {
    }

    /** The page server to serve from, null without --lazy-pages; nonsense combinations are refused. */
    static PageServer checkpoint(boolean lazyPages, String pageServer, boolean leaveRunning) {
        if (!lazyPages) {
            if (pageServer != null) {
                throw new IllegalArgumentException("--page-server is only used with --lazy-pages (post-copy)");
            }
            return null;
        }
        if (pageServer == null) {
            throw new IllegalArgumentException("--lazy-pages needs --page-server ADDRESS:PORT: where the target"
                    + " fetches the memory pages from (port 0: a free one)");
        }
        if (leaveRunning) {
            throw new IllegalArgumentException("--lazy-pages moves the container's memory to the target: it cannot"
                    + " be combined with --leave-running");
        }
        return PageServer.parse(pageServer);
    }

    /** The source's page server, null without --lazy-pages. */
    static PageServer restore(boolean lazyPages, String pageServer) {
        if (!lazyPages) {
            if (pageServer != null) {
                throw new IllegalArgumentException("--page-server is only used with --lazy-pages (post-copy)");
            }
            return null;
        }
        if (pageServer == null) {
            throw new IllegalArgumentException("--lazy-pages needs --page-server ADDRESS:PORT: the source's page"
                    + " server, as its `ferry checkpoint --lazy-pages` printed it");
        }
        PageServer server = PageServer.parse(pageServer);
        if (server.port() == 0) {
            throw new IllegalArgumentException("--page-server " + pageServer + ": the source's page server has a"
                    + " port of its own (0 only picks one when serving)");
        }
        return server;
    }

    /**
     * Waits for the target to fetch every page. Then the frozen copy here is removed (CRIU's word is all a
     * checkpoint without a saga has); on failure, or Ctrl-C, the container runs here again.
     */
    static int serve(String name, PageServing serving) {
        System.out.println("serving the memory pages of " + name + " at " + serving.endpoint().hostPort()
                + ": restore with --lazy-pages --page-server " + serving.endpoint().hostPort());
        System.out.flush();
        Thread onInterrupt = new Thread(serving::close, "ferry-postcopy-rollback");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            PageTransfer t = serving.done().join();
            serving.release();
            System.out.println("the target fetched every memory page (" + describe(t) + "); " + name
                    + " is no longer here");
            return 0;
        } catch (CompletionException e) {
            serving.close();
            throw new FerryException(e.getCause().getMessage() + "; " + name + " runs here again", e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it closes the serving
            }
        }
    }

    /** Waits until every page arrived; a failed transfer has cost the copy (the engine killed it). */
    static int fetch(String name, PageFetching fetching) {
        System.out.flush();
        try {
            PageTransfer t = fetching.done().join();
            System.out.println("every memory page of " + name + " arrived (" + describe(t) + ")");
            return 0;
        } catch (CompletionException e) {
            throw new FerryException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static String describe(PageTransfer t) {
        return String.format(Locale.ROOT, "%.1f MiB in %.2f s", t.bytes() / 1048576.0, t.took().toMillis() / 1000.0);
    }
}
