package io.ferry.gateway.migration;

import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointDumped;
import io.ferry.protocol.MigrationMessage.CheckpointFailed;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.Command;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.RestoreCancelled;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RestoreFailed;
import io.ferry.protocol.MigrationMessage.RestoreStarted;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationMessage.RollbackFailed;
import io.ferry.protocol.MigrationMessage.RolledBack;
import io.ferry.protocol.MigrationMessage.SourceFinalized;
import io.ferry.protocol.MigrationMessage.UploadProgress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never two, never none: a move driven to its end against two simulated hosts that carry out the
 * commands as checkpoint-service and restore-service do (one command at a time, in order), with
 * faults injected, a cancel at any point, and timeouts whenever nothing is in flight. Whatever
 * happens, the container never runs on both hosts, and it ends up running on exactly one of them
 * unless a host itself failed or went silent while rolling back (then the migration FAILED and names
 * the archive to restore it from). A copy (source kept) runs on both by design and is not checked here.
 */
class MigrationSagaInvariantTest {

    /** What goes wrong on the hosts. */
    enum Fault {
        /** The checkpoint fails before freezing: the container runs on. */
        CHECKPOINT_FAILS_RUNNING,
        /** The checkpoint fails after the freeze: the container is stopped. */
        CHECKPOINT_FAILS_STOPPED,
        /** Frozen and dumped, the upload is slow: CheckpointCompleted comes after the timeout. */
        CHECKPOINT_SLOW,
        /** The source's checkpoint-service is down: no command is carried out or answered. */
        SOURCE_SILENT,
        /** The restore fails (and removes what it made). */
        RESTORE_FAILS,
        /** The restore succeeds after its timeout (before the cancel, which the target handles next). */
        RESTORE_SLOW,
        /** The target's restore-service is down for good. */
        TARGET_SILENT,
        /** SourceFinalized never arrives. */
        FINALIZE_LOST,
        /** The source cannot make the container run again. */
        ROLLBACK_FAILS,
        /** The rollback ends without the container running. */
        ROLLBACK_LEAVES_IT_STOPPED,
        /** The rollback is never answered (the container stays stopped). */
        ROLLBACK_LOST
    }

    /** Faults after which the decisions cannot bring the container back: a failed migration may leave none. */
    private static final Set<Fault> UNRECOVERABLE = EnumSet.of(Fault.TARGET_SILENT, Fault.ROLLBACK_FAILS,
            Fault.ROLLBACK_LEAVES_IT_STOPPED, Fault.ROLLBACK_LOST);

    static Stream<Arguments> scenarios() {
        List<Arguments> all = new ArrayList<>();
        List<MigrationState> cancels = new ArrayList<>();
        cancels.add(null);
        cancels.addAll(List.of(MigrationState.CHECKPOINTING, MigrationState.UPLOADING, MigrationState.RESTORING,
                MigrationState.FINALIZING, MigrationState.ROLLING_BACK));
        List<Set<Fault>> faults = new ArrayList<>();
        faults.add(EnumSet.noneOf(Fault.class));
        for (Fault f : Fault.values()) {
            faults.add(EnumSet.of(f));
        }
        for (Fault first : List.of(Fault.CHECKPOINT_FAILS_STOPPED, Fault.CHECKPOINT_SLOW, Fault.RESTORE_FAILS,
                Fault.RESTORE_SLOW)) {
            for (Fault rollback : List.of(Fault.ROLLBACK_FAILS, Fault.ROLLBACK_LEAVES_IT_STOPPED,
                    Fault.ROLLBACK_LOST)) {
                faults.add(EnumSet.of(first, rollback));
            }
        }
        for (Set<Fault> f : faults) {
            for (MigrationState cancel : cancels) {
                all.add(Arguments.of(f, cancel));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "faults {0}, cancel while {1}")
    @MethodSource("scenarios")
    void containerRunsOnExactlyOneHostWhateverFails(Set<Fault> faults, MigrationState cancelAt) {
        Run run = new Run(faults, cancelAt);

        run.toTheEnd();

        Migration m = run.saga.m();
        assertThat(m.getState().terminal()).as(run.trace()).isTrue();
        assertThat(run.mostRunningAtOnce).as("never two: %s", run.trace()).isLessThanOrEqualTo(1);
        int running = run.hosts.running();
        switch (m.getState()) {
            case COMPLETED -> {
                assertThat(run.hosts.targetRunning).as(run.trace()).isTrue();
                assertThat(run.hosts.sourceRunning).as(run.trace()).isFalse();
            }
            case ROLLED_BACK -> {
                assertThat(run.hosts.sourceRunning).as(run.trace()).isTrue();
                assertThat(run.hosts.targetRunning).as(run.trace()).isFalse();
            }
            default -> {
                assertThat(running).as(run.trace()).isLessThanOrEqualTo(1);
                if (running == 0) {
                    assertThat(m.getError()).as("a FAILED migration without a running copy names its archive")
                            .contains(run.saga.archive());
                }
            }
        }
        if (faults.stream().noneMatch(UNRECOVERABLE::contains)) {
            assertThat(running).as("never none: %s", run.trace()).isEqualTo(1);
        }
        if (faults.isEmpty() && cancelAt == null) {
            assertThat(m.getState()).isEqualTo(MigrationState.COMPLETED);
        }
    }

    /** One migration against the simulated hosts. */
    private static final class Run {
        final Saga saga = new Saga();
        final Hosts hosts;
        final MigrationState cancelAt;
        final Deque<MigrationMessage> inbox = new ArrayDeque<>();
        final List<String> trace = new ArrayList<>();
        int delivered;
        int mostRunningAtOnce;
        boolean cancelled;

        Run(Set<Fault> faults, MigrationState cancelAt) {
            this.hosts = new Hosts(faults, saga.msg.id);
            this.cancelAt = cancelAt;
        }

        void toTheEnd() {
            handle(saga.msg.requested());
            for (int step = 0; step < 100 && !saga.m().getState().terminal(); step++) {
                MigrationState state = saga.m().getState();
                if (state == cancelAt && !cancelled) {
                    cancelled = true;
                    handle(saga.msg.cancel(1_000 + step));
                } else if (!inbox.isEmpty()) {
                    handle(inbox.poll());
                } else if (delivered < saga.sent.size()) {
                    deliver(saga.sent.get(delivered++));
                } else {
                    // nothing in flight: the stage's timer runs out
                    handle(saga.msg.timedOut(state, 1_000 + step, saga.m().getProbes()));
                }
            }
            // the hosts carry on after the end: what was sent is carried out, late replies arrive
            inbox.addAll(hosts.releaseWithheld());
            observe();
            while (!inbox.isEmpty() || delivered < saga.sent.size()) {
                if (!inbox.isEmpty()) {
                    handle(inbox.poll());
                } else {
                    deliver(saga.sent.get(delivered++));
                }
                inbox.addAll(hosts.releaseWithheld());
                observe();
            }
        }

        private void handle(MigrationMessage message) {
            MigrationState before = saga.m() == null ? null : saga.m().getState();
            saga.handle(message);
            trace.add(message.type() + " (" + before + " -> " + saga.m().getState() + ")");
        }

        private void deliver(MigrationMessage message) {
            if (message instanceof Command command) {
                trace.add("  " + command.type() + " to " + command.meta().hostId());
                inbox.addAll(hosts.carryOut(command));
                observe();
            }
        }

        private void observe() {
            mostRunningAtOnce = Math.max(mostRunningAtOnce, hosts.running());
        }

        String trace() {
            return String.join("\n", trace) + "\nsource running: " + hosts.sourceRunning + ", target running: "
                    + hosts.targetRunning;
        }
    }

    /** The source and the target as far as the container is concerned. */
    private static final class Hosts {
        final Set<Fault> faults;
        final String migrationId;
        boolean sourceRunning = true;
        boolean targetRunning;
        /** A slow command's outcome, carried out before the next command on that host (or at the end). */
        Runnable withheldSource;
        Runnable withheldTarget;
        final List<MigrationMessage> released = new ArrayList<>();
        long clock = 100;
        long sourceEpoch;
        long targetEpoch;

        Hosts(Set<Fault> faults, String migrationId) {
            this.faults = faults;
            this.migrationId = migrationId;
        }

        int running() {
            return (sourceRunning ? 1 : 0) + (targetRunning ? 1 : 0);
        }

        /** As a host's replies do, it echoes the command's epoch. */
        private Meta reply(Command command, String kind) {
            return new Meta(command.meta().id() + "/" + kind, migrationId, command.meta().hostId(),
                    Instant.EPOCH.plusSeconds(clock++), Meta.VERSION, command.meta().epoch());
        }

        List<MigrationMessage> releaseWithheld() {
            if (withheldSource != null) {
                withheldSource.run();
                withheldSource = null;
            }
            if (withheldTarget != null && !faults.contains(Fault.TARGET_SILENT)) {
                withheldTarget.run();
                withheldTarget = null;
            }
            List<MigrationMessage> out = new ArrayList<>(released);
            released.clear();
            return out;
        }

        List<MigrationMessage> carryOut(Command command) {
            // restore-side commands are the target's, the rest act on the source's container
            boolean source = !(command instanceof RestoreCommand || command instanceof CancelRestoreCommand);
            assertThat(command.meta().hostId()).as("%s sent to", command.type()).isEqualTo(source ? SOURCE : TARGET);
            if (source && withheldSource != null) { // one command at a time: the slow one finishes first
                withheldSource.run();
                withheldSource = null;
            }
            if (!source && withheldTarget != null) {
                withheldTarget.run();
                withheldTarget = null;
            }
            List<MigrationMessage> out = new ArrayList<>(released);
            released.clear();
            if (source && faults.contains(Fault.SOURCE_SILENT) || !source && faults.contains(Fault.TARGET_SILENT)) {
                return out;
            }
            long seen = source ? sourceEpoch : targetEpoch; // as HostCommands fences
            if (command.meta().epoch() < seen) {
                out.add(new MigrationMessage.CommandRefused(reply(command, "refused"), command.type(), command.meta().id(), seen));
                return out;
            }
            if (source) {
                sourceEpoch = command.meta().epoch();
            } else {
                targetEpoch = command.meta().epoch();
            }
            if (command instanceof CheckpointCommand c) {
                checkpoint(c, out);
            } else if (command instanceof RestoreCommand r) {
                restore(r, out);
            } else if (command instanceof FinalizeCommand f) {
                if (!faults.contains(Fault.FINALIZE_LOST)) {
                    out.add(new SourceFinalized(reply(f, "finalized")));
                }
            } else if (command instanceof RollbackCommand r) {
                rollback(r, out);
            } else if (command instanceof CancelRestoreCommand c) {
                boolean removed = targetRunning;
                targetRunning = false;
                out.add(new RestoreCancelled(reply(c, "cancelled"), removed));
            }
            return out;
        }

        private void checkpoint(CheckpointCommand c, List<MigrationMessage> out) {
            out.add(new CheckpointStarted(reply(c, "started"), "c0ffee"));
            if (faults.contains(Fault.CHECKPOINT_FAILS_RUNNING)) {
                out.add(new CheckpointFailed(reply(c, "failed"), "cannot freeze", true));
                return;
            }
            Instant frozenAt = Instant.EPOCH.plusSeconds(clock);
            sourceRunning = c.leaveRunning();
            out.add(new CheckpointDumped(reply(c, "dumped"), frozenAt, 1_000));
            if (faults.contains(Fault.CHECKPOINT_FAILS_STOPPED)) {
                out.add(new CheckpointFailed(reply(c, "failed"), "upload failed", false));
                return;
            }
            out.add(new UploadProgress(reply(c, "uploaded-1024"), 1_024));
            CheckpointCompleted completed = new CheckpointCompleted(reply(c, "completed"), c.archive(), "sha256:ab",
                    2_048, frozenAt, 1_000, 2_000, null, "sha256:cd", null);
            if (faults.contains(Fault.CHECKPOINT_SLOW)) {
                withheldSource = () -> released.add(completed);
            } else {
                out.add(completed);
            }
        }

        private void restore(RestoreCommand r, List<MigrationMessage> out) {
            out.add(new RestoreStarted(reply(r, "started")));
            if (faults.contains(Fault.RESTORE_FAILS)) {
                out.add(new RestoreFailed(reply(r, "failed"), "restore failed"));
                return;
            }
            Runnable finish = () -> {
                targetRunning = true;
                released.add(new RestoreCompleted(reply(r, "completed"), "d00d", "web",
                        Instant.EPOCH.plusSeconds(clock), 500, 1_000));
            };
            if (faults.contains(Fault.RESTORE_SLOW)) {
                withheldTarget = finish;
            } else {
                finish.run();
                out.addAll(released);
                released.clear();
            }
        }

        /** As SourceCommands does: a container still running counts as rolled back; else it is brought back. */
        private void rollback(RollbackCommand r, List<MigrationMessage> out) {
            if (faults.contains(Fault.ROLLBACK_LOST)) {
                return;
            }
            if (sourceRunning) {
                out.add(new RolledBack(reply(r, "rolled-back"), true));
            } else if (faults.contains(Fault.ROLLBACK_FAILS)) {
                out.add(new RollbackFailed(reply(r, "rollback-failed"), "criu restore failed"));
            } else if (faults.contains(Fault.ROLLBACK_LEAVES_IT_STOPPED)) {
                out.add(new RolledBack(reply(r, "rolled-back"), false));
            } else {
                sourceRunning = true;
                out.add(new RolledBack(reply(r, "rolled-back"), true));
            }
        }
    }
}
