package io.ferry.core.checkpoint;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerState;
import io.ferry.core.container.ContainerStore;
import io.ferry.core.criu.LazyPagesDaemon;
import io.ferry.core.error.FerryException;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.HostLock;
import io.ferry.core.os.Mounts;
import io.ferry.core.runtime.Cgroups;
import io.ferry.core.runtime.OciRuntime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link PageFetching} over CRIU's lazy-pages daemon. When the daemon fails (the source went away, or the
 * bound passed), the restored process cannot go on (a page it touches next never comes): it is killed, its
 * runtime state removed, its record set to exited, and CRIU's leftover mounts in the work dir unmounted.
 */
final class TargetPageFetching implements PageFetching {
    private static final ScheduledExecutorService BOUNDS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-postcopy-fetch-bound");
        t.setDaemon(true);
        return t;
    });

    private final LazyPagesDaemon daemon;
    private final ContainerRecord record;
    private final Path criuWork;
    private final String cgroupsPath;
    private final PageServer source;
    private final ContainerStore store;
    private final OciRuntime runtime;
    private final HostLock lock;
    private final CompletableFuture<PageTransfer> done = new CompletableFuture<>();
    private final ScheduledFuture<?> bound;
    private volatile String timedOut;

    TargetPageFetching(LazyPagesDaemon daemon, ContainerRecord record, Path criuWork, String cgroupsPath,
                       PageServer source, ContainerStore store, OciRuntime runtime, HostLock lock, PostCopyLimits limits) {
        this.daemon = daemon;
        this.cgroupsPath = cgroupsPath;
        this.record = record;
        this.criuWork = criuWork;
        this.source = source;
        this.store = store;
        this.runtime = runtime;
        this.lock = lock;
        this.bound = BOUNDS.schedule(() -> {
            if (daemon.alive()) {
                timedOut = "not every memory page arrived within " + limits.transfer().toSeconds() + "s ("
                        + PostCopyLimits.ENV + ")";
                daemon.kill();
            }
        }, limits.transfer().toMillis(), TimeUnit.MILLISECONDS);
        daemon.exit().whenComplete((code, error) -> ended(code == null ? -1 : code));
    }

    @Override
    public CompletableFuture<PageTransfer> done() {
        return done;
    }

    private void ended(int code) {
        bound.cancel(false);
        try {
            if (code == 0 && timedOut == null) {
                PageTransfer transfer = new PageTransfer(daemon.transferredBytes(), daemon.running());
                cleanUp();
                done.complete(transfer);
                return;
            }
            List<String> lines = daemon.errorLines();
            String why = timedOut != null ? timedOut : "the memory pages stopped arriving from " + source.hostPort()
                    + (lines.isEmpty() ? " (lazy-pages exit " + code + ")" : ": " + String.join("; ", lines));
            done.completeExceptionally(new FerryException(why + "; container " + record.name()
                    + " could not go on here " + lost()));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    /** Kills the copy that cannot go on, and says so. */
    private String lost() {
        try (HostLock.Held held = lock.acquire()) {
            runtime.kill(record.id(), "KILL");
            // a task blocked on a page that never comes can keep runc's delete waiting: kill by cgroup first
            Cgroups.killAndRemove(cgroupsPath);
            String problem = null;
            try {
                runtime.delete(record.id());
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
            store.find(record.id()).ifPresent(r -> store.save(r.withState(ContainerState.EXITED, Instant.now(), false)));
            return problem == null ? "and was killed (it reads exited)"
                    : "and was killed (it reads exited; removing its runtime state failed: " + problem + ")";
        } catch (RuntimeException e) {
            return "and killing it failed: " + e.getMessage();
        } finally {
            cleanUp();
        }
    }

    private void cleanUp() {
        Mounts.unmountBelow(criuWork);
        FileTrees.deleteRecursively(criuWork);
    }
}
