package io.ferry.gateway.outbox;

import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the relay as soon as a transaction that queued messages has committed, instead of at its next
 * scheduled turn (up to {@code ferry.gateway.outbox-interval} later): the CheckpointCommand of a new request
 * and the RestoreCommand after a checkpoint (the container is frozen meanwhile) leave at once. A burst
 * of commits wakes it once; the scheduled relay stays the safety net (and relays what a wakeup missed).
 */
@Component
public class OutboxWakeup {
    private final OutboxRelay relay;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-wakeup");
        t.setDaemon(true);
        return t;
    });

    public OutboxWakeup(OutboxRelay relay) {
        this.relay = relay;
    }

    void wake() {
        if (pending.compareAndSet(false, true)) {
            runner.execute(() -> {
                pending.set(false); // a commit after this point wakes it again
                relay.relay();
            });
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }
}
