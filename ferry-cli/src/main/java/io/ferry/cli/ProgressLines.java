package io.ferry.cli;

import tools.jackson.databind.JsonNode;

import java.util.Locale;

/** One human line per migration message (what `ferry migrate` prints as it follows a migration). */
final class ProgressLines {
    private ProgressLines() {
    }

    static String describe(JsonNode e) {
        String host = e.path("meta").path("hostId").asString("");
        return switch (e.path("type").asString()) {
            case "MigrateRequested" -> "requested: " + e.path("container").asString() + " " + e.path("sourceHost").asString()
                    + " -> " + e.path("targetHost").asString();
            case "MigrationAccepted" -> "preflight passed; archive " + e.path("archive").asString();
            case "MigrationRejected" -> "refused: " + e.path("reason").asString();
            case "CheckpointCommand" -> "checkpoint requested on " + host;
            case "CheckpointStarted" -> "checkpointing on " + host;
            case "CheckpointDumped" -> String.format(Locale.ROOT, "frozen and dumped in %.3fs; sending",
                    e.path("dumpMillis").asLong() / 1000.0);
            case "UploadProgress" -> "sent " + Formats.bytes(e.path("bytes").asLong());
            case "CheckpointCompleted" -> (e.path("direct").asBoolean() ? "archive streamed to the target: "
                    : "archive in the registry: ") + Formats.bytes(e.path("size").asLong()) + ", "
                    + e.path("digest").asString().substring(0, Math.min(19, e.path("digest").asString().length())) + "…"
                    + (e.path("pageServer").isString() ? "; memory pages served from " + e.path("pageServer").asString() : "");
            case "PagesTransferred" -> "every memory page arrived on " + host + " (" + Formats.bytes(e.path("bytes").asLong())
                    + ")";
            case "PostCopyFailed" -> "post-copy broke off: " + e.path("reason").asString();
            case "ArchiveStored" -> "registry copy stored: " + e.path("archive").asString();
            case "ArchiveStoreFailed" -> "registry copy not stored: " + e.path("reason").asString();
            case "CheckpointFailed" -> "checkpoint failed: " + e.path("reason").asString();
            case "RestoreCommand" -> "restore requested on " + host;
            case "RestoreStarted" -> "restoring on " + host;
            case "RestoreProgress" -> e.path("stage").asString() + " on " + host;
            case "RestoreCompleted" -> String.format(Locale.ROOT, "running on %s (restore %.3fs)", host,
                    e.path("restoreMillis").asLong() / 1000.0);
            case "RestoreFailed" -> "restore failed: " + e.path("reason").asString();
            case "FinalizeCommand" -> "removing the stopped copy on " + host;
            case "SourceFinalized" -> "source copy removed on " + host;
            case "RollbackCommand" -> "rolling back on " + host;
            case "RolledBack" -> "rolled back on " + host;
            case "CancelRestoreCommand" -> "cancelling the restore on " + host;
            case "RestoreCancelled" -> "restore cancelled on " + host;
            case "MigrationTimedOut" -> "timed out in " + e.path("stage").asString();
            case "MigrationCompleted" -> String.format(Locale.ROOT, "done: downtime %.3fs, total %.3fs",
                    e.path("downtimeMillis").asLong() / 1000.0, e.path("totalMillis").asLong() / 1000.0);
            case "MigrationRolledBack" -> "rolled back: " + e.path("reason").asString();
            case "MigrationFailed" -> "failed: " + e.path("reason").asString();
            default -> "";
        };
    }
}
