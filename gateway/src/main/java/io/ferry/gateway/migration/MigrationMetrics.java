package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import java.time.Duration;
import java.time.Instant;

/**
 * Migration metrics, counted once a transition is committed: migrations started, completed, failed,
 * rolled back, rejected; downtime and per-stage durations; archive bytes moved.
 */
@Component
public class MigrationMetrics {
    private final MeterRegistry meters;
    private final Counter started;
    private final Counter completed;
    private final Counter failed;
    private final Counter rolledBack;
    private final Counter rejected;
    private final Counter bytes;
    private final Timer downtime;

    public MigrationMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.started = Counter.builder("ferry.migrations.started").description("Migrations accepted").register(meters);
        this.completed = Counter.builder("ferry.migrations.completed").register(meters);
        this.failed = Counter.builder("ferry.migrations.failed").register(meters);
        this.rolledBack = Counter.builder("ferry.migrations.rolledback").register(meters);
        this.rejected = Counter.builder("ferry.migrations.rejected").description("Migrations refused by the preflight")
                .register(meters);
        this.bytes = Counter.builder("ferry.migration.bytes.transferred").baseUnit("bytes")
                .description("Checkpoint archive bytes moved through the registry").register(meters);
        this.downtime = Timer.builder("ferry.migration.downtime").description("Source frozen -> running on the target")
                .publishPercentileHistogram().register(meters);
    }

    @TransactionalEventListener
    public void on(MigrationUpdated update) {
        Migration m = update.migration();
        for (MigrationUpdated.Recorded r : update.recorded()) {
            MigrationMessage msg = r.message();
            if (msg instanceof MigrationMessage.MigrationAccepted) {
                started.increment();
            } else if (msg instanceof MigrationMessage.MigrationRejected) {
                rejected.increment();
            } else if (msg instanceof MigrationMessage.CheckpointCompleted c) {
                bytes.increment(c.size());
                stage("checkpoint", m.getCheckpointStartedAt(), msg.meta().at());
            } else if (msg instanceof MigrationMessage.RestoreCompleted c) {
                if (c.runningAt().equals(m.getRunningAt())) { // not a probe's answer during a post-copy transfer
                    stage("restore", m.getRestoreStartedAt(), c.runningAt());
                }
            } else if (msg instanceof MigrationMessage.PagesTransferred) {
                stage("pages", m.getRunningAt(), msg.meta().at()); // post-copy: running on the target to the last page
            } else if (msg instanceof MigrationMessage.MigrationCompleted c) {
                completed.increment();
                if (c.downtimeMillis() >= 0) {
                    downtime.record(Duration.ofMillis(c.downtimeMillis()));
                }
                stage("total", m.getRequestedAt(), msg.meta().at());
            } else if (msg instanceof MigrationMessage.MigrationFailed) {
                failed.increment();
            } else if (msg instanceof MigrationMessage.MigrationRolledBack) {
                rolledBack.increment();
            }
        }
    }

    private void stage(String stage, Instant from, Instant to) {
        if (from != null && to != null) {
            Timer.builder("ferry.migration.stage.duration").tag("stage", stage).publishPercentileHistogram()
                    .register(meters).record(Duration.between(from, to));
        }
    }
}
