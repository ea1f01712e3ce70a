package io.ferry.gateway.api;

import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.gateway.migration.MigrationRepository;
import io.ferry.gateway.migration.MigrationUpdated;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Live progress as Server-Sent Events: a subscriber gets the migration's log so far, then each
 * message as it is committed (event name = message type, id = log sequence number). Streams read the
 * event log, not this instance's memory: another gateway instance on the same database may be the
 * one handling the migration. A commit here sends at once; others' commits are found by polling the
 * log after the last sequence number sent ({@code ferry.gateway.stream-poll-interval}, 500 ms).
 */
@Component
public class MigrationStreams {
    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;

    private final EventLog log;
    private final MigrationRepository migrations;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();

    public MigrationStreams(EventLog log, MigrationRepository migrations) {
        this.log = log;
        this.migrations = migrations;
    }

    private static final class Subscriber {
        final SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        volatile long lastSent;

        synchronized void send(long seq, String type, String json) {
            if (seq <= lastSent) {
                return; // sent already
            }
            try {
                emitter.send(SseEmitter.event().id(Long.toString(seq)).name(type).data(json, MediaType.APPLICATION_JSON));
                lastSent = seq;
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        }
    }

    public SseEmitter subscribe(String migrationId) {
        Subscriber s = new Subscriber();
        subscribers.compute(migrationId, (k, list) -> {
            List<Subscriber> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(s);
            return l;
        });
        Runnable remove = () -> subscribers.computeIfPresent(migrationId, (k, l) -> {
            l.remove(s);
            return l.isEmpty() ? null : l;
        });
        s.emitter.onCompletion(remove);
        s.emitter.onTimeout(remove);
        s.emitter.onError(e -> remove.run());
        catchUp(migrationId);
        return s.emitter;
    }

    @TransactionalEventListener
    public void on(MigrationUpdated update) {
        catchUp(update.migration().getId());
    }

    @Scheduled(fixedDelayString = "${ferry.gateway.stream-poll-interval:500ms}")
    public void poll() {
        subscribers.keySet().forEach(this::catchUp);
    }

    /** Sends each subscriber of the migration what the log holds after what it was sent; ends the streams of an ended migration. */
    private void catchUp(String migrationId) {
        List<Subscriber> list = subscribers.get(migrationId);
        if (list == null || list.isEmpty()) {
            return;
        }
        synchronized (list) {
            // read before the log: a migration that ended by then has its last message in what follows
            boolean ended = migrations.findById(migrationId).map(m -> m.getState().terminal()).orElse(false);
            long from = list.stream().mapToLong(s -> s.lastSent).min().orElse(0);
            for (EventLogEntry e : log.after(migrationId, from)) {
                list.forEach(s -> s.send(e.getSeq(), e.getType(), e.getPayload()));
            }
            if (ended) {
                list.forEach(s -> s.emitter.complete());
            }
        }
    }
}
