package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointFailed;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCancelRequested;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.MigrationTimedOut;
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
    }

    private MigrationPolicy() {
    }

    public static List<MigrationMessage> react(Migration m, MigrationState before, MigrationMessage msg, Context ctx) {
        if (before != null && before.terminal()) {
            return List.of();
        }
        if (msg instanceof MigrateRequested r) {
            Optional<String> refusal = ctx.preflight(r);
            if (refusal.isPresent()) {
                return List.of(new MigrationRejected(msg.meta().reply("rejected", GATEWAY), refusal.get()));
            }
            String archive = ctx.archiveFor(m.getId(), m.getSourceHost());
            return List.of(new MigrationAccepted(msg.meta().reply("accepted", GATEWAY), archive),
                    new CheckpointCommand(msg.meta().reply("checkpoint", m.getSourceHost()), m.getContainer(), archive,
                            m.isKeepSource(), m.isTcpEstablished(), m.getTargetHost()));
        }
        boolean checkpointing = before == MigrationState.CHECKPOINTING || before == MigrationState.UPLOADING;
        if (msg instanceof CheckpointCompleted c && checkpointing) {
            if (m.isCancelRequested()) {
                return List.of(rollback(m, msg));
            }
            // pinned to the manifest the source signed and reported, never to the tag; the wrapped key passes through
            return List.of(new RestoreCommand(msg.meta().reply("restore", m.getTargetHost()), m.getArchive(), m.getNewName(),
                    m.isTcpEstablished(), c.manifestDigest(), m.getSourceHost(), c.wrappedKey()));
        }
        if (msg instanceof CheckpointFailed f && checkpointing) {
            return f.containerRunning()
                    ? List.of(new MigrationFailed(msg.meta().reply("failed", GATEWAY), "checkpoint failed on "
                    + m.getSourceHost() + ": " + f.reason() + " (the container runs on " + m.getSourceHost() + ")"))
                    : List.of(rollback(m, msg));
        }
        if (msg instanceof RestoreCompleted && before == MigrationState.RESTORING) {
            return m.isKeepSource() ? List.of(completed(m, msg))
                    : List.of(new FinalizeCommand(msg.meta().reply("finalize", m.getSourceHost()), m.getContainer()));
        }
        if (msg instanceof RestoreFailed && before == MigrationState.RESTORING) {
            return List.of(rollback(m, msg)); // a failed restore removed what it made on the target
        }
        if (msg instanceof SourceFinalized && before == MigrationState.FINALIZING) {
            return List.of(completed(m, msg));
        }
        if (msg instanceof RestoreCancelled && before == MigrationState.ROLLING_BACK) {
            return List.of(rollback(m, msg));
        }
        if (msg instanceof RolledBack r && before == MigrationState.ROLLING_BACK) {
            return r.containerRunning()
                    ? List.of(new MigrationRolledBack(msg.meta().reply("rolled-back", GATEWAY), m.getError() == null
                    ? "rolled back" : m.getError()))
                    : List.of(new MigrationFailed(msg.meta().reply("failed", GATEWAY), "rollback ended without the container"
                    + " running on " + m.getSourceHost() + "; restore it from " + m.getArchive()));
        }
        if (msg instanceof RollbackFailed f && before == MigrationState.ROLLING_BACK) {
            return List.of(new MigrationFailed(msg.meta().reply("failed", GATEWAY), "rollback failed on " + m.getSourceHost()
                    + ": " + f.reason() + "; the container can be restored from " + m.getArchive()));
        }
        if (msg instanceof MigrationCancelRequested && before == MigrationState.RESTORING) {
            return List.of(cancelRestore(m, msg));
        }
        if (msg instanceof MigrationTimedOut t && before != null && before.name().equals(t.stage())) {
            return switch (before) {
                case REQUESTED, CHECKPOINTING, UPLOADING -> List.of(rollback(m, msg));
                case RESTORING -> List.of(cancelRestore(m, msg)); // the source waits until the target confirms
                case FINALIZING -> List.of(completed(m, msg)); // the container runs on the target already
                case ROLLING_BACK -> List.of(new MigrationFailed(msg.meta().reply("failed", GATEWAY), "rollback did not finish"
                        + " in time; the container can be restored from " + m.getArchive()));
                default -> List.of();
            };
        }
        return List.of();
    }

    private static RollbackCommand rollback(Migration m, MigrationMessage cause) {
        return new RollbackCommand(cause.meta().reply("rollback", m.getSourceHost()), m.getContainer(), m.getArchive());
    }

    private static CancelRestoreCommand cancelRestore(Migration m, MigrationMessage cause) {
        return new CancelRestoreCommand(cause.meta().reply("cancel-restore", m.getTargetHost()), m.getArchive(), m.getNewName());
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
        return new MigrationCompleted(cause.meta().reply("completed", GATEWAY), downtime,
                at.toEpochMilli() - m.getRequestedAt().toEpochMilli());
    }
}
