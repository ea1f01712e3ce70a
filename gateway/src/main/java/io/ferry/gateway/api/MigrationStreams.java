package io.ferry.gateway.api;

import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.gateway.migration.MigrationUpdated;
import io.ferry.protocol.MessageCodec;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Live progress as Server-Sent Events: a subscriber first gets the migration's log so far, then each
 * message as it is committed (event name = message type, id = log sequence number).
 */
@Component
public class MigrationStreams {
    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;

    private final EventLog log;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();

    public MigrationStreams(EventLog log) {
        this.log = log;
    }

    private static final class Subscriber {
        final SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        long lastSent;

        synchronized void send(long seq, String type, String json) {
            if (seq <= lastSent) {
                return; // already sent with the history
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
        List<Subscriber> list = subscribers.computeIfAbsent(migrationId, k -> new CopyOnWriteArrayList<>());
        list.add(s); // before the history: nothing committed meanwhile is missed (duplicates are skipped by seq)
        Runnable remove = () -> list.remove(s);
        s.emitter.onCompletion(remove);
        s.emitter.onTimeout(remove);
        s.emitter.onError(e -> remove.run());
        for (EventLogEntry e : log.of(migrationId)) {
            s.send(e.getSeq(), e.getType(), e.getPayload());
        }
        return s.emitter;
    }

    @TransactionalEventListener
    public void on(MigrationUpdated update) {
        List<Subscriber> list = subscribers.get(update.migration().getId());
        if (list == null) {
            return;
        }
        for (MigrationUpdated.Recorded r : update.recorded()) {
            String json = MessageCodec.encode(r.message());
            list.forEach(s -> s.send(r.seq(), r.message().type(), json));
        }
        if (update.migration().getState().terminal()) {
            list.forEach(s -> s.emitter.complete());
        }
    }
}
