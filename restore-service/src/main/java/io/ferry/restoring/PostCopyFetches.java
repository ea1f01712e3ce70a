package io.ferry.restoring;

import io.ferry.core.checkpoint.PageFetching;
import io.ferry.core.checkpoint.PageTransfer;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.PagesTransferred;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The post-copy restores of this host whose memory pages are (or were) still coming from the source, on disk
 * (one file per migration under {@code <root>/services/restore-service/post-copy/}), so their outcome outlives
 * the service. The target reports it, because only the target knows its process has all its memory:
 * PagesTransferred when the page fetching completes; PostCopyFailed (containerLost) when it breaks off, after
 * removing the copy, which cannot go on without the pages that did not come. While pages are pending, a
 * RestoreProgress every tick keeps the gateway's timeout from running out on a transfer that is alive.
 *
 * <p>A restarted service has lost the lazy-pages daemon it watched and cannot tell whether every page arrived:
 * at startup ({@link #lostAtRestart}) each transfer still pending is reported PostCopyFailed and its copy removed,
 * so that what the migration says (FAILED, lost) is what is on the host, rather than a process that may fault on
 * a page that never comes.
 */
final class PostCopyFetches {
    private static final Logger log = LoggerFactory.getLogger(PostCopyFetches.class);

    /** What is known of one migration's page fetching; {@code command}: the RestoreCommand (encoded), replies echo it. */
    record Fetch(String command, String state, long bytes, long millis, String reason) {
        static final String PENDING = "pending";
        static final String DONE = "done";
        static final String FAILED = "failed";

        RestoreCommand restoreCommand() {
            return (RestoreCommand) MessageCodec.decode(command);
        }

        Fetch done(PageTransfer t) {
            return new Fetch(command, DONE, t.bytes(), t.took().toMillis(), null);
        }

        Fetch failed(String why) {
            return new Fetch(command, FAILED, bytes, millis, why);
        }
    }

    /** The copies migrations made on this host. */
    interface Copies {
        boolean exists(String migrationId);

        /** Removes the migration's copy, if there is one; throws if it cannot. */
        void remove(String migrationId);
    }

    private final Path dir;
    private final Consumer<MigrationMessage> send;
    private final Copies remover;
    private final Duration tick;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-post-copy-tick");
        t.setDaemon(true);
        return t;
    });

    /** {@code send}: publishes a report and adds it to its command's recorded replies. */
    PostCopyFetches(Path dir, Consumer<MigrationMessage> send, Copies remover, Duration tick) {
        this.dir = dir;
        this.send = send;
        this.remover = remover;
        this.tick = tick;
    }

    /**
     * Recorded before the restore starts: from then on its outcome is this host's to report, also when the service
     * is killed between the copy running and the RestoreCompleted(pagesPending).
     */
    void pending(RestoreCommand command) {
        write(command.meta().migrationId(), new Fetch(MessageCodec.encode(command), Fetch.PENDING, 0, 0, null));
    }

    /** The restore failed before a copy ran (or made none that needs pages): nothing to report later. */
    synchronized void forget(String migrationId) {
        try {
            Files.deleteIfExists(file(migrationId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reports the fetching's outcome when it comes; says every tick meanwhile that pages are still coming. */
    void watch(RestoreCommand command, PageFetching fetching) {
        String migration = command.meta().migrationId();
        AtomicInteger n = new AtomicInteger();
        long every = tick.toMillis();
        ScheduledFuture<?> alive = ticks.scheduleAtFixedRate(() -> {
            try {
                send.accept(new MigrationMessage.RestoreProgress(command.meta().reply("pages-pending-" + n.incrementAndGet(),
                        command.meta().hostId()), "fetching memory pages"));
            } catch (RuntimeException e) {
                log.warn("post-copy tick of {}: {}", migration, e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        fetching.done().whenComplete((transfer, error) -> {
            alive.cancel(false);
            try {
                if (error == null) {
                    transferred(migration, transfer);
                } else {
                    failed(migration, cause(error).getMessage() == null ? cause(error).toString() : cause(error).getMessage());
                }
            } catch (RuntimeException e) {
                log.error("reporting the post-copy outcome of migration {}: {}", migration, e.getMessage(), e);
            }
        });
    }

    /** The migration's fetching as last recorded, if it was a post-copy restore of this host. */
    Optional<Fetch> of(String migrationId) {
        Path file = file(migrationId);
        return Files.isRegularFile(file) ? Optional.of(Json.read(file, Fetch.class)) : Optional.empty();
    }

    /**
     * The answer to a RestoreCommand asked again (a gateway's probe, a redelivery) of a post-copy migration whose
     * copy this host made: what the fetching came to, under this command's ids, or nothing while it is pending.
     */
    Optional<MigrationMessage> outcome(RestoreCommand asked) {
        return of(asked.meta().migrationId()).flatMap(f -> switch (f.state()) {
            case Fetch.DONE -> Optional.of(new PagesTransferred(asked.meta().reply("pages-transferred", asked.meta().hostId()),
                    f.bytes(), f.millis()));
            case Fetch.FAILED -> Optional.of(new PostCopyFailed(asked.meta().reply("post-copy-failed", asked.meta().hostId()),
                    f.reason(), true));
            default -> Optional.empty();
        });
    }

    /**
     * At startup: every transfer still pending lost its daemon with the service; reported lost, its copy removed. One
     * killed before its copy existed is forgotten: its RestoreCommand, never answered, comes again and restores.
     */
    synchronized List<String> lostAtRestart() {
        List<String> lost = new ArrayList<>();
        for (Fetch f : all()) {
            String migration = f.restoreCommand().meta().migrationId();
            if (Fetch.PENDING.equals(f.state()) && !remover.exists(migration)) {
                forget(migration);
            } else if (Fetch.PENDING.equals(f.state())) {
                failed(migration, "restore-service restarted while the memory pages were still coming from the source;"
                        + " the lazy-pages daemon it ran is gone, so not every page can be known to have arrived");
                lost.add(migration);
            }
        }
        return lost;
    }

    private synchronized void transferred(String migration, PageTransfer transfer) {
        Optional<Fetch> f = of(migration);
        if (f.isEmpty() || !Fetch.PENDING.equals(f.get().state())) {
            return; // reported already (a restart found it pending first)
        }
        Fetch done = f.get().done(transfer);
        write(migration, done);
        log.info("post-copy of migration {}: every memory page arrived ({} bytes in {} ms)", migration, done.bytes(),
                done.millis());
        RestoreCommand c = f.get().restoreCommand();
        send.accept(new PagesTransferred(c.meta().reply("pages-transferred", c.meta().hostId()), done.bytes(), done.millis()));
    }

    private synchronized void failed(String migration, String reason) {
        Optional<Fetch> f = of(migration);
        if (f.isEmpty() || !Fetch.PENDING.equals(f.get().state())) {
            return;
        }
        String why = reason;
        try {
            remover.remove(migration); // its memory is split between the hosts: it cannot go on
            why += "; its copy on this host was removed";
        } catch (RuntimeException e) {
            why += "; removing its copy on this host failed too (" + e.getMessage() + "): remove it by hand (ferry rm -f)";
        }
        write(migration, f.get().failed(why));
        log.error("post-copy of migration {} failed: {}", migration, why);
        RestoreCommand c = f.get().restoreCommand();
        send.accept(new PostCopyFailed(c.meta().reply("post-copy-failed", c.meta().hostId()), why, true));
    }

    private List<Fetch> all() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).map(p -> Json.read(p, Fetch.class)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String migrationId, Fetch fetch) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "fetch", ".tmp");
            Json.write(tmp, fetch);
            Files.move(tmp, file(migrationId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String migrationId) {
        return dir.resolve(Sha256.hex(Sha256.of(migrationId.getBytes(StandardCharsets.UTF_8))) + ".json");
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
