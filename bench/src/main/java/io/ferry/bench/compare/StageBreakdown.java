package io.ferry.bench.compare;

import tools.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Where the time of one F2 migration went, in milliseconds (null: the stage's message is not in the log),
 * from its event log: request -> checkpoint started (Kafka + gateway + the host picking it up), started ->
 * frozen, dump (CRIU), frozen+dump -> checkpoint completed (packing and transfer), completed -> restore
 * started (the gateway's decision, Kafka), restore (to running: download/import/CRIU), downtime (frozen ->
 * running), running -> source finalized, total; {@code ran}: how it actually went (from the log); post-copy: bytes of pages fetched after the restore and how long.
 */
record StageBreakdown(String workload, String mode, int round, String from, String to, String ran,
                      Long requestToStartMs, Long startToFrozenMs, Long dumpMs, Long transferMs, Long handoffMs,
                      Long restoreMs, Long downtimeMs, Long finalizeMs, Long totalMs, Long pagesBytes, Long pagesMs) {

    static StageBreakdown of(String workload, MigrationMode mode, int round, String from, String to, MigrationEvents e,
                             JsonNode view) {
        Instant requested = e.at("MigrateRequested");
        Instant started = e.at("CheckpointStarted");
        Instant frozen = e.instantField("CheckpointDumped", "frozenAt");
        Long dump = e.longField("CheckpointDumped", "dumpMillis");
        if (frozen == null) { // a checkpoint that reports no separate dump
            frozen = e.instantField("CheckpointCompleted", "frozenAt");
            dump = e.longField("CheckpointCompleted", "dumpMillis");
        }
        Instant completed = e.at("CheckpointCompleted");
        Instant restoreStarted = e.at("RestoreStarted");
        Instant running = e.instantField("RestoreCompleted", "runningAt");
        Instant finalized = e.at("SourceFinalized");
        Long transfer = frozen == null || dump == null ? null : MigrationEvents.millis(frozen.plusMillis(dump), completed);
        Long downtime = view.path("downtimeMillis").isNumber() ? Long.valueOf(view.path("downtimeMillis").asLong())
                : MigrationEvents.millis(frozen, running);
        Long total = view.path("totalMillis").isNumber() ? Long.valueOf(view.path("totalMillis").asLong()) : null;
        boolean direct = e.first("CheckpointCompleted").map(c -> c.path("direct").asBoolean(false)).orElse(false);
        String ran = (direct ? "direct" : "registry") + (MigrationMode.ranPostCopy(e) ? " + post-copy" : "");
        return new StageBreakdown(workload, mode.column.title, round, from, to, ran,
                MigrationEvents.millis(requested, started), MigrationEvents.millis(started, frozen), dump, transfer,
                MigrationEvents.millis(completed, restoreStarted), MigrationEvents.millis(restoreStarted, running), downtime,
                MigrationEvents.millis(running, finalized), total, e.longField("PagesTransferred", "bytes"),
                e.longField("PagesTransferred", "millis"));
    }
}
