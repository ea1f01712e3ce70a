package io.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.Map;

/**
 * The event catalogue: every message of a migration, as JSON with a {@code type} field. Requests and
 * the gateway's decisions, the commands it sends to hosts, and what hosts report back. All of them
 * are appended to the gateway's event log; the migration view is a fold over them. JSON Schemas of
 * each type are in docs/events/ (checked against these records by a test).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MigrationMessage.MigrateRequested.class, name = "MigrateRequested"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationAccepted.class, name = "MigrationAccepted"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationRejected.class, name = "MigrationRejected"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationCancelRequested.class, name = "MigrationCancelRequested"),
        @JsonSubTypes.Type(value = MigrationMessage.CheckpointCommand.class, name = "CheckpointCommand"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreCommand.class, name = "RestoreCommand"),
        @JsonSubTypes.Type(value = MigrationMessage.FinalizeCommand.class, name = "FinalizeCommand"),
        @JsonSubTypes.Type(value = MigrationMessage.RollbackCommand.class, name = "RollbackCommand"),
        @JsonSubTypes.Type(value = MigrationMessage.CancelRestoreCommand.class, name = "CancelRestoreCommand"),
        @JsonSubTypes.Type(value = MigrationMessage.CheckpointStarted.class, name = "CheckpointStarted"),
        @JsonSubTypes.Type(value = MigrationMessage.CheckpointDumped.class, name = "CheckpointDumped"),
        @JsonSubTypes.Type(value = MigrationMessage.UploadProgress.class, name = "UploadProgress"),
        @JsonSubTypes.Type(value = MigrationMessage.CheckpointCompleted.class, name = "CheckpointCompleted"),
        @JsonSubTypes.Type(value = MigrationMessage.CheckpointFailed.class, name = "CheckpointFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreStarted.class, name = "RestoreStarted"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreProgress.class, name = "RestoreProgress"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreCompleted.class, name = "RestoreCompleted"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreFailed.class, name = "RestoreFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.RestoreCancelled.class, name = "RestoreCancelled"),
        @JsonSubTypes.Type(value = MigrationMessage.SourceFinalized.class, name = "SourceFinalized"),
        @JsonSubTypes.Type(value = MigrationMessage.RolledBack.class, name = "RolledBack"),
        @JsonSubTypes.Type(value = MigrationMessage.RollbackFailed.class, name = "RollbackFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.PagesTransferred.class, name = "PagesTransferred"),
        @JsonSubTypes.Type(value = MigrationMessage.PostCopyFailed.class, name = "PostCopyFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.ArchiveStored.class, name = "ArchiveStored"),
        @JsonSubTypes.Type(value = MigrationMessage.ArchiveStoreFailed.class, name = "ArchiveStoreFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.CommandRefused.class, name = "CommandRefused"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationTimedOut.class, name = "MigrationTimedOut"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationCompleted.class, name = "MigrationCompleted"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationFailed.class, name = "MigrationFailed"),
        @JsonSubTypes.Type(value = MigrationMessage.MigrationRolledBack.class, name = "MigrationRolledBack")})
public sealed interface MigrationMessage {
    Meta meta();

    /** The type name on the wire (the record's simple name). */
    default String type() {
        return getClass().getSimpleName();
    }

    /** Commands, sent by the gateway to one host ({@code meta.hostId}). */
    sealed interface Command extends MigrationMessage {
    }

    // ---- requests and the gateway's decisions ----

    /**
     * Start a migration (REST or another system publishing to its ferry.migration.requests.PRINCIPAL topic);
     * meta.migrationId is its id. {@code requestedBy}: the Kafka principal that wrote it, set by the
     * gateway from the topic it came from (whatever the sender put there is replaced), or over REST the
     * authenticated account.
     */
    record MigrateRequested(Meta meta, String container, String sourceHost, String targetHost,
                            MigrationOptions options, String requestedBy) implements MigrationMessage {
        /** A request before the gateway knows its requester (a Kafka sender's own, tests); the gateway fills it in. */
        public MigrateRequested(Meta meta, String container, String sourceHost, String targetHost, MigrationOptions options) {
            this(meta, container, sourceHost, targetHost, options, null);
        }

        public MigrateRequested withRequestedBy(String principal) {
            return new MigrateRequested(meta, container, sourceHost, targetHost, options, principal);
        }
    }

    /**
     * Preflight passed; the archive will go to {@code archive} (registry://...). {@code containerId}: the
     * container's id on the source as its heartbeat showed it (null if unknown): one migration per container
     * and source host runs at a time, whether the request named it by name or by id.
     */
    record MigrationAccepted(Meta meta, String archive, String containerId) implements MigrationMessage {
        public MigrationAccepted(Meta meta, String archive) {
            this(meta, archive, null);
        }
    }

    /** Preflight failed (host down, host cannot restore this container, ...). */
    record MigrationRejected(Meta meta, String reason) implements MigrationMessage {
    }

    record MigrationCancelRequested(Meta meta) implements MigrationMessage {
    }

    // ---- commands ----

    /**
     * Checkpoint {@code container} and stream the archive to {@code archive}, signed for this migration
     * and {@code targetHost} (the host the archive may be restored on).
     */
    /**
     * {@code transferEndpoint}: the target restore-service's direct-transfer URL (its heartbeat's): the
     * archive streams there, straight to the target, and the registry copy is written later, off the
     * migration's critical path; null: the archive goes to the registry as before. {@code postCopy}: dump
     * without the memory pages and serve them from this host's page server until the target has them all.
     * {@code fileLocks}: --file-locks, the container's file locks are dumped too (absent in older messages: false).
     */
    record CheckpointCommand(Meta meta, String container, String archive, boolean leaveRunning,
                             boolean tcpEstablished, String targetHost, String transferEndpoint,
                             boolean postCopy, boolean fileLocks) implements Command {
        public CheckpointCommand(Meta meta, String container, String archive, boolean leaveRunning,
                                 boolean tcpEstablished, String targetHost) {
            this(meta, container, archive, leaveRunning, tcpEstablished, targetHost, null, false, false);
        }

        public CheckpointCommand(Meta meta, String container, String archive, boolean leaveRunning,
                                 boolean tcpEstablished, String targetHost, String transferEndpoint, boolean postCopy) {
            this(meta, container, archive, leaveRunning, tcpEstablished, targetHost, transferEndpoint, postCopy, false);
        }
    }

    /**
     * Restore the archive (pulling its image if missing); {@code name} null keeps name and id. The
     * archive is pulled by {@code manifestDigest} (never by its tag) and restored only if a trusted key of
     * {@code sourceHost} signed it for this migration and this host. {@code wrappedKey}: the archive's
     * key wrapped to this host's encryption key, when the archive is encrypted (null otherwise).
     */
    /**
     * {@code direct}: restore the archive the source streamed to this host for this migration (not the
     * registry's), if its bytes hash to {@code archiveDigest} and {@code signature} (a
     * CheckpointSignature's annotations) is the source host's over it for this migration and this host.
     * {@code pageServer} (HOST:PORT, post-copy): restore at once and fetch the memory pages from there.
     * {@code fileLocks}: --file-locks, the checkpoint holds file locks (absent in older messages: false).
     */
    record RestoreCommand(Meta meta, String archive, String name, boolean tcpEstablished, String manifestDigest,
                          String sourceHost, String wrappedKey, boolean direct, String archiveDigest,
                          Map<String, String> signature, String pageServer, boolean fileLocks) implements Command {
        public RestoreCommand(Meta meta, String archive, String name, boolean tcpEstablished, String manifestDigest,
                              String sourceHost, String wrappedKey) {
            this(meta, archive, name, tcpEstablished, manifestDigest, sourceHost, wrappedKey, false, null, null, null, false);
        }

        public RestoreCommand(Meta meta, String archive, String name, boolean tcpEstablished, String manifestDigest,
                              String sourceHost, String wrappedKey, boolean direct, String archiveDigest,
                              Map<String, String> signature, String pageServer) {
            this(meta, archive, name, tcpEstablished, manifestDigest, sourceHost, wrappedKey, direct, archiveDigest,
                    signature, pageServer, false);
        }
    }

    /** The target runs the container: remove the stopped source copy. */
    record FinalizeCommand(Meta meta, String container) implements Command {
    }

    /**
     * The move failed: make the container run on the source again (from the archive if it was stopped).
     * {@code fileLocks}: the migration's checkpoint holds file locks, so a restore from the archive needs
     * --file-locks (the kept images say so themselves); absent in older messages: false.
     */
    record RollbackCommand(Meta meta, String container, String archive, boolean fileLocks) implements Command {
        public RollbackCommand(Meta meta, String container, String archive) {
            this(meta, container, archive, false);
        }
    }

    /** Undo a restore on the target (remove the copy if it was made), before the source rolls back. */
    record CancelRestoreCommand(Meta meta, String archive, String name) implements Command {
    }

    // ---- reports from hosts ----

    record CheckpointStarted(Meta meta, String containerId) implements MigrationMessage {
    }

    /** The container is frozen and dumped (downtime began at {@code frozenAt}); the upload goes on. */
    record CheckpointDumped(Meta meta, Instant frozenAt, long dumpMillis) implements MigrationMessage {
    }

    record UploadProgress(Meta meta, long bytes) implements MigrationMessage {
    }

    /**
     * The archive is in the registry: {@code digest} and {@code size} of the archive blob,
     * {@code manifestDigest} of the signed artifact manifest (what the restore pins), {@code wrappedKey}
     * the archive's key wrapped to the target's encryption key when it is encrypted (null otherwise).
     */
    /**
     * {@code direct}: the archive went straight to the target (digest and size are of the bytes streamed,
     * {@code signature} the source's CheckpointSignature annotations over them; no manifest yet: the
     * registry copy is reported later by ArchiveStored). {@code pageServer} (post-copy): HOST:PORT where
     * the source serves the memory pages until the target has fetched them all.
     */
    record CheckpointCompleted(Meta meta, String archive, String digest, long size, Instant frozenAt,
                               long dumpMillis, long totalMillis, DumpStatistics statistics, String manifestDigest,
                               String wrappedKey, boolean direct, Map<String, String> signature,
                               String pageServer) implements MigrationMessage {
        public CheckpointCompleted(Meta meta, String archive, String digest, long size, Instant frozenAt,
                                   long dumpMillis, long totalMillis, DumpStatistics statistics, String manifestDigest,
                                   String wrappedKey) {
            this(meta, archive, digest, size, frozenAt, dumpMillis, totalMillis, statistics, manifestDigest, wrappedKey,
                    false, null, null);
        }
    }

    /** {@code containerRunning}: whether the container still (or again) runs on the source. */
    record CheckpointFailed(Meta meta, String reason, boolean containerRunning) implements MigrationMessage {
    }

    record RestoreStarted(Meta meta) implements MigrationMessage {
    }

    /** "pulling image", "restoring". */
    record RestoreProgress(Meta meta, String stage) implements MigrationMessage {
    }

    /** {@code pagesPending} (post-copy): it runs, and its memory pages are still being fetched from the source. */
    record RestoreCompleted(Meta meta, String containerId, String name, Instant runningAt, long restoreMillis,
                            long totalMillis, boolean pagesPending) implements MigrationMessage {
        public RestoreCompleted(Meta meta, String containerId, String name, Instant runningAt, long restoreMillis,
                                long totalMillis) {
            this(meta, containerId, name, runningAt, restoreMillis, totalMillis, false);
        }
    }

    record RestoreFailed(Meta meta, String reason) implements MigrationMessage {
    }

    /**
     * The target's answer to a CancelRestoreCommand. {@code removed}: it removed this migration's copy.
     * {@code copyLeft}: a copy of this migration is still on the host (its removal failed, {@code problem}
     * says why), {@code copyRunning}: that copy runs. Not removed and no copy left: nothing was there.
     */
    record RestoreCancelled(Meta meta, boolean removed, boolean copyLeft, boolean copyRunning, String problem)
            implements MigrationMessage {
        public RestoreCancelled(Meta meta, boolean removed) {
            this(meta, removed, false, false, null);
        }
    }

    /**
     * The source's answer to a FinalizeCommand. {@code sourceRunning}: the container runs on the source
     * (it was left alone, so two copies run until the gateway removes one); false once the stopped source
     * copy is removed (or was gone).
     */
    /** Post-copy (target): every memory page has arrived from the source; the copy no longer needs it. */
    record PagesTransferred(Meta meta, long bytes, long millis) implements MigrationMessage {
    }

    /**
     * Post-copy (target, or the source when its page server fails): the page transfer broke off after the
     * target restored; {@code containerLost}: the restored process could not go on (its memory was split
     * between the hosts) and no copy of the container runs.
     */
    record PostCopyFailed(Meta meta, String reason, boolean containerLost) implements MigrationMessage {
    }

    /** Source: the registry copy of a direct migration's archive (audit, replay, restore elsewhere) is stored. */
    record ArchiveStored(Meta meta, String archive, String manifestDigest, long size) implements MigrationMessage {
    }

    /** Source: the registry copy could not be written; the migration itself is not affected. */
    record ArchiveStoreFailed(Meta meta, String reason) implements MigrationMessage {
    }

    record SourceFinalized(Meta meta, boolean sourceRunning) implements MigrationMessage {
        public SourceFinalized(Meta meta) {
            this(meta, false);
        }
    }

    record RolledBack(Meta meta, boolean containerRunning) implements MigrationMessage {
    }

    record RollbackFailed(Meta meta, String reason) implements MigrationMessage {
    }

    /**
     * A host refused command {@code commandId} ({@code command}, its type) of epoch {@code meta.epoch}: it has
     * seen epoch {@code seenEpoch} of this migration already (the migration turned around; the command is late).
     */
    record CommandRefused(Meta meta, String command, String commandId, long seenEpoch) implements MigrationMessage {
    }

    // ---- outcomes, decided by the gateway ----

    /**
     * A stage ran past its timeout, counted from the migration's last report. {@code probes}: how often the
     * stage's host had been asked again (a re-sent command) before; the gateway decides on it (0: ask again).
     */
    record MigrationTimedOut(Meta meta, String stage, int probes) implements MigrationMessage {
        public MigrationTimedOut(Meta meta, String stage) {
            this(meta, stage, 0);
        }
    }

    record MigrationCompleted(Meta meta, long downtimeMillis, long totalMillis) implements MigrationMessage {
    }

    record MigrationFailed(Meta meta, String reason) implements MigrationMessage {
    }

    record MigrationRolledBack(Meta meta, String reason) implements MigrationMessage {
    }
}
