package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointFailed;
import io.ferry.protocol.MigrationMessage.CommandRefused;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCancelRequested;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.MigrationTimedOut;
import io.ferry.protocol.MigrationMessage.PagesTransferred;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RestoreFailed;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationMessage.RollbackFailed;
import io.ferry.protocol.MigrationMessage.RolledBack;
import io.ferry.protocol.MigrationMessage.SourceFinalized;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's decisions: given a migration (already updated by the message) and the state it
 * was in, what to send next. The rule that matters: whatever fails, the container ends up running
 * on exactly one host: a timed-out (or cancelled) restore is cancelled on the target before the
 * source rolls back (a failed one has removed its copy itself), and the source restores from its own
 * checkpoint if it had stopped.
 */
public final class MigrationPolicy {
    public static final String GATEWAY = "gateway";

    /** What the policy needs from outside: the preflight, and where a migration's archive goes. */
    public interface Context {
        /** Empty when the migration may start; otherwise why not. */
        Optional<String> preflight(MigrateRequested request);

        /** Below the source host's own repository, the only one its registry account may push to. */
        String archiveFor(String migrationId, String sourceHost);

        /** The id of the container the request names (by name or id) on its source host, from the host's heartbeat. */
        default Optional<String> containerId(MigrateRequested request) {
            return Optional.empty();
        }

        /**
         * Another migration of this container from this source host that has not ended (its id), if any.
         * Serialised per container: two requests for one container never both see none.
         */
        default Optional<String> activeMigrationOf(String sourceHost, String containerId, String exceptMigrationId) {
            return Optional.empty();
        }

        /** Issue 11: the URL the target's restore-service takes direct transfers at (its heartbeat's), if it has one. */
        default Optional<String> transferEndpoint(String targetHost) {
            return Optional.empty();
        }
    }

    private MigrationPolicy() {
    }

    public static List<MigrationMessage> react(Migration m, MigrationState before, MigrationMessage msg, Context ctx) {
        if (HostReports.stale(m, msg) || msg instanceof CommandRefused) {
            return List.of(); // answers a command of an epoch the migration has left; logged, not acted on
        }
        if (before == MigrationState.FAILED && msg instanceof RestoreCancelled c && m.isAwaitingCancel()) {
            // the wait for the target's cancel timed out; now it confirmed: the source comes back (never zero copies)
            return List.of(c.copyRunning() ? failedWithTargetCopy(m, msg, c) : rollback(m, msg));
        }
        if (before != null && before.terminal()) {
            return List.of();
        }
        if (msg instanceof MigrateRequested r) {
            return request(m, r, ctx);
        }
        boolean checkpointing = before == MigrationState.CHECKPOINTING || before == MigrationState.UPLOADING;
        if (msg instanceof CheckpointCompleted && checkpointing) {
            // a page server that failed before any target fetched from it: the source gets its container back
            if (m.isCancelRequested() || m.getPostCopyFailure() != null) {
                return List.of(rollback(m, msg));
            }
            return List.of(restore(m, msg, "restore"));
        }
        if (msg instanceof CheckpointFailed f && checkpointing) {
            return f.containerRunning()
                    ? List.of(new MigrationFailed(meta(m, msg, "failed", GATEWAY, m.getEpoch()), "checkpoint failed on "
                    + m.getSourceHost() + ": " + f.reason() + " (the container runs on " + m.getSourceHost() + ")"))
                    : List.of(rollback(m, msg));
        }
        if (msg instanceof RestoreCompleted c && before == MigrationState.RESTORING && c.pagesPending()) {
            // post-copy: it runs on the target, its memory still coming from the source. A page server the source said
            // had failed meanwhile cannot serve it: the target's copy cannot go on; it goes, and the source's comes back
            return m.getPostCopyFailure() == null ? List.of() : List.of(cancelRestore(m, msg));
        }
        if (msg instanceof PagesTransferred && before == MigrationState.TRANSFERRING_PAGES) {
            return List.of(new FinalizeCommand(meta(m, msg, "finalize", m.getSourceHost(), m.getEpoch()), m.getContainer()));
        }
        if (msg instanceof PostCopyFailed && before == MigrationState.TRANSFERRING_PAGES) {
            // the target's copy cannot go on without its pages: it goes (the cancel confirms it, and fences a late
            // PagesTransferred), then the source's copy, held frozen and whole since the dump, runs again (a rollback).
            // Only a source host that failed itself loses the container: its rollback then fails, and says so
            return List.of(cancelRestore(m, msg));
        }
        if (msg instanceof RestoreCompleted && before == MigrationState.RESTORING) {
            return m.isKeepSource() ? List.of(completed(m, msg))
                    : List.of(new FinalizeCommand(meta(m, msg, "finalize", m.getSourceHost(), m.getEpoch()), m.getContainer()));
        }
        if (msg instanceof RestoreFailed && before == MigrationState.RESTORING) {
            // a failed restore removed what it made on the target; but after a timeout the RestoreCommand went again,
            // and that one (of an epoch the target has not seen passed) may still restore: the cancel, queued behind
            // it on the target's topic, fences it and removes what it made before the source rolls back
            return List.of(m.getProbes() > 0 ? cancelRestore(m, msg) : rollback(m, msg));
        }
        if (msg instanceof SourceFinalized f && before == MigrationState.FINALIZING) {
            // a source copy that runs (another migration's rollback, a restart by hand): the target's copy goes
            return f.sourceRunning() ? List.of(cancelRestore(m, msg)) : List.of(completed(m, msg));
        }
        if (msg instanceof RestoreCancelled c && before == MigrationState.ROLLING_BACK) {
            return c.copyRunning() ? List.of(failedWithTargetCopy(m, msg, c)) : List.of(rollback(m, msg));
        }
        if (msg instanceof RolledBack r && before == MigrationState.ROLLING_BACK) {
            return r.containerRunning()
                    ? List.of(new MigrationRolledBack(meta(m, msg, "rolled-back", GATEWAY, m.getEpoch()), m.getError() == null
                    ? "rolled back" : m.getError()))
                    : List.of(new MigrationFailed(meta(m, msg, "failed", GATEWAY, m.getEpoch()), "rollback ended without the"
                    + " container running on " + m.getSourceHost() + "; restore it from " + m.getArchive()));
        }
        if (msg instanceof RollbackFailed f && before == MigrationState.ROLLING_BACK) {
            return List.of(new MigrationFailed(meta(m, msg, "failed", GATEWAY, m.getEpoch()), "rollback failed on "
                    + m.getSourceHost() + ": " + f.reason() + "; the container can be restored from " + m.getArchive()));
        }
        if (msg instanceof MigrationCancelRequested && before == MigrationState.RESTORING) {
            return List.of(cancelRestore(m, msg));
        }
        if (msg instanceof MigrationTimedOut t && before != null && before.name().equals(t.stage())) {
            return timedOut(m, before, t);
        }
        return List.of();
    }

    /** Refused when another migration of the container is under way, or by the preflight; otherwise checkpoint. */
    private static List<MigrationMessage> request(Migration m, MigrateRequested r, Context ctx) {
        Optional<String> containerId = ctx.containerId(r);
        Optional<String> busy = containerId.flatMap(id -> ctx.activeMigrationOf(r.sourceHost(), id, m.getId()));
        Optional<String> refusal = busy.map(other -> "container " + r.container() + " on " + r.sourceHost()
                + " is already being migrated by migration " + other).or(() -> ctx.preflight(r));
        Meta first = r.meta().withEpoch(0); // whatever epoch a Kafka requester wrote: it never sets the fencing epoch
        if (refusal.isPresent()) {
            return List.of(new MigrationRejected(first.reply("rejected", GATEWAY), refusal.get()));
        }
        String archive = ctx.archiveFor(m.getId(), m.getSourceHost());
        // direct (the default) when the target takes direct transfers; through the registry otherwise, as before
        String endpoint = MigrationOptions.Transfer.REGISTRY.name().equals(m.getTransfer()) || m.getTransfer() == null
                ? null : ctx.transferEndpoint(m.getTargetHost()).orElse(null);
        return List.of(new MigrationAccepted(first.reply("accepted", GATEWAY), archive, containerId.orElse(null)),
                new CheckpointCommand(first.reply("checkpoint", m.getSourceHost()), m.getContainer(), archive,
                        m.isKeepSource(), m.isTcpEstablished(), m.getTargetHost(), endpoint, m.isPostCopy(), m.isFileLocks()));
    }

    /**
     * A stage ran past its timeout, counted from the migration's last report. A restore is not cancelled on
     * the first timeout: the RestoreCommand goes again, and the target (idempotent per migration) answers
     * RestoreCompleted for a copy that runs or restores it once; only a second silence cancels it. A cancel
     * the target has not answered is sent again the same way before the migration is given up.
     */
    private static List<MigrationMessage> timedOut(Migration m, MigrationState stage, MigrationTimedOut msg) {
        return switch (stage) {
            case REQUESTED, CHECKPOINTING, UPLOADING -> List.of(rollback(m, msg));
            case RESTORING -> msg.probes() == 0 ? List.of(restore(m, msg, "restore-again")) : List.of(cancelRestore(m, msg));
            case FINALIZING -> List.of(completed(m, msg)); // the container runs on the target already
            // the target restores idempotently: asked again it says how its page fetching stands (pending, done, failed)
            // asked again, the target says how its page fetching stands (pending, done, failed); silent twice, it is
            // cancelled as a silent restore is: its copy goes, then the source's held copy runs again
            case TRANSFERRING_PAGES -> msg.probes() == 0 ? List.of(restore(m, msg, "restore-again"))
                    : List.of(cancelRestore(m, msg));
            case ROLLING_BACK -> {
                if (m.isAwaitingCancel() && msg.probes() == 0) {
                    yield List.of(new CancelRestoreCommand(meta(m, msg, "cancel-restore-again", m.getTargetHost(), m.getEpoch()),
                            m.getArchive(), m.getNewName()));
                }
                yield List.of(new MigrationFailed(meta(m, msg, "failed", GATEWAY, m.getEpoch()), m.isAwaitingCancel()
                        ? "the target " + m.getTargetHost() + " did not confirm the cancel of its restore in time; the container"
                        + " is stopped on " + m.getSourceHost() + " with its checkpoint kept (and in " + m.getArchive()
                        + "); it is rolled back there as soon as " + m.getTargetHost() + " confirms"
                        : "rollback did not finish in time; the container can be restored from " + m.getArchive()));
            }
            default -> List.of();
        };
    }

    /** The target's copy runs and could not be removed: the source stays stopped (its checkpoint kept), never two copies. */
    private static MigrationFailed failedWithTargetCopy(Migration m, MigrationMessage cause, RestoreCancelled c) {
        return new MigrationFailed(meta(m, cause, "failed", GATEWAY, m.getEpoch()), "the restore on " + m.getTargetHost()
                + " could not be undone (" + c.problem() + "): the container runs on " + m.getTargetHost()
                + "; its stopped copy on " + m.getSourceHost() + " keeps its checkpoint and is not rolled back, so that it"
                + " never runs twice");
    }

    /** A header for what {@code cause} leads to, in {@code epoch} (the migration's, or the next when it turns around). */
    private static Meta meta(Migration m, MigrationMessage cause, String kind, String host, long epoch) {
        return cause.meta().reply(kind, host).withEpoch(epoch);
    }

    /**
     * The epoch of a command on the way back: the next one when it turns the migration around, the same when it
     * is on its way back already (rolling back, or waiting for the target's cancel after a timeout ended the wait).
     */
    private static long backward(Migration m) {
        return m.getState() == MigrationState.ROLLING_BACK || m.isAwaitingCancel() ? m.getEpoch() : m.getEpoch() + 1;
    }

    // pinned to the manifest the source signed and reported, never to the tag; the wrapped key passes through
    private static RestoreCommand restore(Migration m, MigrationMessage cause, String kind) {
        if (m.isTransferDirect()) { // the stream the source sent the target, vouched for by its digest and signature
            return new RestoreCommand(meta(m, cause, kind, m.getTargetHost(), m.getEpoch()), m.getArchive(), m.getNewName(),
                    m.isTcpEstablished(), null, m.getSourceHost(), m.getWrappedKey(), true, m.getArchiveDigest(),
                    signature(m), m.getPageServer(), m.isFileLocks());
        }
        return new RestoreCommand(meta(m, cause, kind, m.getTargetHost(), m.getEpoch()), m.getArchive(), m.getNewName(),
                m.isTcpEstablished(), m.getManifestDigest(), m.getSourceHost(), m.getWrappedKey(), false, null, null,
                m.getPageServer(), m.isFileLocks());
    }

    private static java.util.Map<String, String> signature(Migration m) {
        if (m.getCheckpointSignature() == null) {
            return null;
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        tools.jackson.databind.json.JsonMapper.shared().readTree(m.getCheckpointSignature()).properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    private static RollbackCommand rollback(Migration m, MigrationMessage cause) {
        return new RollbackCommand(meta(m, cause, "rollback", m.getSourceHost(), backward(m)), m.getContainer(), m.getArchive(),
                m.isFileLocks()); // a rollback from the archive takes its file locks back
    }

    private static CancelRestoreCommand cancelRestore(Migration m, MigrationMessage cause) {
        return new CancelRestoreCommand(meta(m, cause, "cancel-restore", m.getTargetHost(), backward(m)), m.getArchive(),
                m.getNewName());
    }

    private static MigrationCompleted completed(Migration m, MigrationMessage cause) {
        Instant at = cause.meta().at();
        long downtime;
        if (m.isKeepSource()) {
            downtime = m.getDumpMillis() == null ? 0 : m.getDumpMillis(); // the source ran on; it paused for the dump
        } else if (m.getFrozenAt() != null && m.getRunningAt() != null) {
            downtime = m.getRunningAt().toEpochMilli() - m.getFrozenAt().toEpochMilli();
        } else {
            downtime = -1;
        }
        return new MigrationCompleted(meta(m, cause, "completed", GATEWAY, m.getEpoch()), downtime,
                at.toEpochMilli() - m.getRequestedAt().toEpochMilli());
    }
}
