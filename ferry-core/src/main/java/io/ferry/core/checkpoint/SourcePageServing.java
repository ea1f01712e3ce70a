package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerState;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.error.FerryException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostLock;
import io.ferry.core.runtime.LazyCheckpoint;
import io.ferry.core.runtime.OciRuntime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link PageServing} over a running {@code runc checkpoint --lazy-pages}: the container was paused before
 * the dump, so whatever becomes of the serving its source copy stays here frozen until {@link #release()}
 * removes it or {@link #close()} resumes it.
 */
final class SourcePageServing implements PageServing {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final ScheduledExecutorService BOUNDS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-postcopy-bound");
        t.setDaemon(true);
        return t;
    });

    private final LazyCheckpoint lazy;
    private final PageServer endpoint;
    private final ContainerRecord record;
    private final ContainerLayout layout;
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final HostLock lock;
    private final Runnable forget;
    private final Runnable resumed;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<PageTransfer> done = new CompletableFuture<>();
    private final ScheduledFuture<?> bound;
    private volatile String stoppedBecause; // set when we end the serving ourselves
    private boolean released;
    private boolean closed;

    SourcePageServing(LazyCheckpoint lazy, ContainerRecord record, ContainerLayout layout, ContainerStore store,
                      OciRuntime runtime, HostLock lock, PostCopyLimits limits, Runnable forget, Runnable resumed) {
        this.forget = forget;
        this.resumed = resumed;
        this.lazy = lazy;
        this.endpoint = new PageServer(lazy.address(), lazy.port());
        this.record = record;
        this.layout = layout;
        this.store = store;
        this.runtime = runtime;
        this.lock = lock;
        this.bound = BOUNDS.schedule(() -> stop("no target fetched all memory pages within "
                + limits.transfer().toSeconds() + "s (" + PostCopyLimits.ENV + "); serving was stopped"),
                limits.transfer().toMillis(), TimeUnit.MILLISECONDS);
        lazy.exit().whenComplete((code, error) -> ended(code == null ? -1 : code));
    }

    @Override
    public PageServer endpoint() {
        return endpoint;
    }

    @Override
    public CompletableFuture<PageTransfer> done() {
        return done;
    }

    private void ended(int code) {
        bound.cancel(false);
        String why = stoppedBecause;
        if (code == 0 && why == null) {
            done.complete(new PageTransfer(lazy.lazyBytes(), Duration.ofNanos(System.nanoTime() - startNanos)));
        } else {
            List<String> lines = why != null ? List.of() : lazy.failureLines();
            String reason = why != null ? why : "serving the memory pages of container " + record.name() + " failed"
                    + (lines.isEmpty() ? " (runc exit " + code + ")" : ": " + String.join("; ", lines));
            done.completeExceptionally(new FerryException(reason));
        }
    }

    private void stop(String why) {
        if (lazy.serving()) {
            stoppedBecause = why;
            lazy.stop(STOP_GRACE);
        }
    }

    @Override
    public synchronized void release() {
        if (released) {
            return;
        }
        stop("the serving was stopped: the source copy was released");
        try (HostLock.Held held = lock.acquire()) {
            runtime.delete(record.id()); // the frozen copy: killed, its runtime state removed
            store.save(store.get(record.id()).withState(ContainerState.EXITED, Instant.now(), true));
            released = true;
        } finally {
            forget.run();
            FileTrees.deleteRecursively(layout.checkpointWork());
        }
    }

    @Override
    public synchronized void close() {
        if (released || closed) {
            return;
        }
        stop("the serving was stopped before the target fetched every memory page; container " + record.name()
                + " runs here again");
        lazy.exit().orTimeout(STOP_GRACE.toSeconds() + 10, TimeUnit.SECONDS).exceptionally(e -> -1).join();
        try (HostLock.Held held = lock.acquire()) {
            if (runtime.state(record.id()).status().equals("paused")) {
                runtime.resume(record.id());
            }
            resumed.run(); // its address and ports are served from here again
            closed = true;
        } finally {
            forget.run();
            FileTrees.deleteRecursively(layout.checkpointWork());
        }
    }
}
