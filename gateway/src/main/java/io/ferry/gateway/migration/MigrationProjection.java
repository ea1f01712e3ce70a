package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointDumped;
import io.ferry.protocol.MigrationMessage.CheckpointFailed;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.CommandRefused;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.MigrationCancelRequested;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationMessage.MigrationRolledBack;
import io.ferry.protocol.MigrationMessage.PagesTransferred;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RestoreFailed;
import io.ferry.protocol.MigrationMessage.RestoreStarted;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationMessage.RollbackFailed;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import io.ferry.protocol.MigrationMessage.UploadProgress;

import java.time.Instant;

/**
 * Folds messages into the migrations view. Deterministic: it reads only the message (its own
 * timestamps), so replaying the log rebuilds the same rows. Decisions live in {@link MigrationPolicy}.
 */
public final class MigrationProjection {
    private MigrationProjection() {
    }

    /**
     * One message of the log folded in, the same live and in replay: a request makes its migration,
     * any other message updates its migration. Null when it changes nothing: a request for a
     * migration that exists (not started twice), or a message for one that does not.
     */
    public static Migration fold(Migration current, MigrationMessage msg, long seq) {
        if (msg instanceof MigrateRequested r) {
            return current == null ? create(r, seq) : null;
        }
        if (current == null) {
            return null;
        }
        apply(current, msg, seq);
        return current;
    }

    static Migration create(MigrateRequested r, long seq) {
        Migration m = new Migration(r.meta().migrationId());
        m.setContainer(r.container());
        m.setSourceHost(r.sourceHost());
        m.setTargetHost(r.targetHost());
        m.setKeepSource(r.options() != null && r.options().keep());
        m.setTcpEstablished(r.options() != null && r.options().tcpEstablished());
        m.setNewName(r.options() == null ? null : r.options().newName());
        m.setTransfer((r.options() == null ? MigrationOptions.defaults() : r.options()).transferOrDefault().name());
        m.setPostCopy(r.options() != null && r.options().postCopy());
        m.setFileLocks(r.options() != null && r.options().fileLocks());
        m.setRequestedAt(r.meta().at());
        enter(m, MigrationState.REQUESTED, r.meta().at());
        m.setLastSeq(seq);
        return m;
    }

    public static void apply(Migration m, MigrationMessage msg, long seq) {
        m.setLastSeq(seq);
        Instant at = msg.meta().at();
        if (HostReports.stale(m, msg) || msg instanceof CommandRefused) {
            return; // logged, not folded: it answers a command of an epoch the migration has left
        }
        if (HostReports.isReport(msg)) {
            active(m, at); // a stage that reports is alive: its timeout counts from here
        } else if (msg.meta().epoch() > m.getEpoch()) {
            m.setEpoch(msg.meta().epoch()); // the gateway turned the migration around
        }
        if (msg instanceof MigrationAccepted a) {
            m.setArchive(a.archive());
            m.setContainerId(a.containerId());
        } else if (msg instanceof MigrationRejected r) {
            m.setError(r.reason());
            end(m, MigrationState.FAILED, at);
        } else if (msg instanceof MigrationCancelRequested) {
            m.setCancelRequested(true);
        } else if (msg instanceof CheckpointCommand) {
            m.setCheckpointRequestedAt(at);
            enter(m, MigrationState.CHECKPOINTING, at);
        } else if (msg instanceof CheckpointStarted) {
            m.setCheckpointStartedAt(at);
        } else if (msg instanceof CheckpointDumped d) {
            m.setFrozenAt(d.frozenAt());
            m.setDumpMillis(d.dumpMillis());
            if (m.getState() == MigrationState.CHECKPOINTING) {
                enter(m, MigrationState.UPLOADING, at);
            }
        } else if (msg instanceof MigrationMessage.ArchiveStored stored) {
            m.setArchiveStoredManifest(stored.manifestDigest()); // the registry copy of a direct migration, afterwards
        } else if (msg instanceof UploadProgress p) {
            m.setBytesTransferred(Math.max(m.getBytesTransferred(), p.bytes()));
        } else if (msg instanceof CheckpointCompleted c) {
            m.setArchiveDigest(c.digest());
            m.setArchiveSize(c.size());
            m.setBytesTransferred(c.size());
            m.setFrozenAt(c.frozenAt());
            m.setDumpMillis(c.dumpMillis());
            m.setCheckpointCompletedAt(at);
            m.setManifestDigest(c.manifestDigest());
            m.setWrappedKey(c.wrappedKey());
            m.setTransferDirect(c.direct());
            m.setCheckpointSignature(c.direct() && c.signature() != null
                    ? tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(c.signature()) : null);
            m.setPageServer(c.pageServer());
        } else if (msg instanceof CheckpointFailed f) {
            m.setError(f.reason());
        } else if (msg instanceof RestoreCommand) {
            if (m.getState() == MigrationState.RESTORING || m.getState() == MigrationState.TRANSFERRING_PAGES) {
                if (at.isAfter(m.getRestoreRequestedAt())) {
                    probed(m, at); // sent again after a timeout: what runs on the target decides
                }
            } else {
                m.setRestoreRequestedAt(at);
                enter(m, MigrationState.RESTORING, at);
            }
        } else if (msg instanceof RestoreStarted) {
            m.setRestoreStartedAt(at);
        } else if (msg instanceof RestoreCompleted c) {
            if (m.getState() != MigrationState.TRANSFERRING_PAGES) { // an answer to a probe: it ran since runningAt already
                m.setRunningAt(c.runningAt());
                m.setTargetContainerId(c.containerId());
            }
            if (c.pagesPending() && m.getState() == MigrationState.RESTORING) {
                // post-copy: it runs on the target (downtime ends here) while its memory pages still come from the source
                m.setPagesPending(true);
                enter(m, MigrationState.TRANSFERRING_PAGES, at);
            }
        } else if (msg instanceof PagesTransferred p) {
            m.setPagesPending(false);
            m.setPagesBytes(p.bytes());
            m.setPagesTransferredAt(at);
        } else if (msg instanceof PostCopyFailed f) {
            if (m.getPostCopyFailure() == null) {
                m.setPostCopyFailure(msg.meta().hostId() + ": " + f.reason());
            }
        } else if (msg instanceof RestoreFailed f) {
            m.setError(f.reason());
        } else if (msg instanceof FinalizeCommand) {
            m.setFinalizeRequestedAt(at);
            enter(m, MigrationState.FINALIZING, at);
        } else if (msg instanceof SourceFinalized f) {
            if (f.sourceRunning()) {
                m.setError("finalize found " + m.getContainer() + " running on " + m.getSourceHost() + " as well: the copy on "
                        + m.getTargetHost() + " is removed and the one on " + m.getSourceHost() + " kept, never two");
            } else {
                m.setFinalizedAt(at);
            }
        } else if (msg instanceof CancelRestoreCommand) {
            if (m.isAwaitingCancel() && m.getState() == MigrationState.ROLLING_BACK) {
                if (at.isAfter(m.getStateEnteredAt())) {
                    probed(m, at); // sent again after a timeout
                }
            } else {
                m.setAwaitingCancel(true);
                enter(m, MigrationState.ROLLING_BACK, at);
            }
        } else if (msg instanceof RestoreCancelled c) {
            if (!m.getState().terminal()) {
                // after a timeout ended the wait it stays set: the policy brings the source back. A copy that runs on and
                // could not be removed is still awaited too: a cancel sent again may remove it later, and then the source
                // must come back
                m.setAwaitingCancel(c.copyRunning());
            }
        } else if (msg instanceof RollbackCommand) {
            m.setAwaitingCancel(false);
            if (m.getState().terminal()) { // a migration that failed waiting for the target's cancel is taken up again
                m.setEndedAt(null);
                m.setTotalMillis(null);
            }
            if (m.getState() != MigrationState.ROLLING_BACK) {
                enter(m, MigrationState.ROLLING_BACK, at);
            }
        } else if (msg instanceof RollbackFailed f) {
            m.setError(f.reason());
        } else if (msg instanceof MigrationCompleted c) {
            m.setDowntimeMillis(c.downtimeMillis());
            m.setTotalMillis(c.totalMillis());
            end(m, MigrationState.COMPLETED, at);
        } else if (msg instanceof MigrationRolledBack r) {
            m.setError(r.reason());
            end(m, MigrationState.ROLLED_BACK, at);
        } else if (msg instanceof MigrationFailed f) {
            m.setError(f.reason());
            end(m, MigrationState.FAILED, at);
        }
    }

    private static void enter(Migration m, MigrationState state, Instant at) {
        m.setState(state);
        m.setStateEnteredAt(at);
        active(m, at);
        m.setProbes(0);
    }

    /** The host was asked again after a timeout (once per stay): the stage gets another full timeout to answer. */
    private static void probed(Migration m, Instant at) {
        m.setProbes(1);
        active(m, at);
    }

    /** The latest moment anything happened (never moved back: folding a message again changes nothing). */
    private static void active(Migration m, Instant at) {
        if (m.getLastActivityAt() == null || at.isAfter(m.getLastActivityAt())) {
            m.setLastActivityAt(at);
        }
    }

    private static void end(Migration m, MigrationState state, Instant at) {
        enter(m, state, at);
        m.setEndedAt(at);
        if (m.getTotalMillis() == null) {
            m.setTotalMillis(at.toEpochMilli() - m.getRequestedAt().toEpochMilli());
        }
    }
}
