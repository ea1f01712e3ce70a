package io.ferry.gateway.migration;

import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationCompleted;
import io.ferry.protocol.MigrationMessage.MigrationFailed;
import io.ferry.protocol.MigrationMessage.PagesTransferred;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.ferry.gateway.migration.SagaMessages.CONTAINER;
import static io.ferry.gateway.migration.SagaMessages.DIGEST;
import static io.ferry.gateway.migration.SagaMessages.MANIFEST;
import static io.ferry.gateway.migration.SagaMessages.SIZE;
import static io.ferry.gateway.migration.SagaMessages.SOURCE;
import static io.ferry.gateway.migration.SagaMessages.TARGET;
import static io.ferry.gateway.migration.SagaMessages.WRAPPED_KEY;
import static io.ferry.gateway.migration.SagaMessages.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Post-copy through the saga (issue 11): after the target runs the container with pages pending the migration
 * waits in TRANSFERRING_PAGES; every page arrived finalizes; a broken transfer cancels the target copy, then rolls
 * back (the source copy was held whole), never COMPLETED; silence is asked about once, then cancelled the same way;
 * stale reports stay fenced.
 */
class MigrationPolicyPostCopyTest {
    private static final String PAGE_SERVER = "10.0.0.1:40123";
    private static final MigrationOptions POST_COPY = new MigrationOptions(false, false, null, null, true);

    private final Saga saga = new Saga();
    private final SagaMessages msg = saga.msg;

    private CheckpointCompleted checkpointCompletedServingPages() {
        return new CheckpointCompleted(msg.meta("checkpoint-completed", SOURCE, 4), saga.archive(), DIGEST, SIZE, at(2), 1_000,
                3_000, null, MANIFEST, WRAPPED_KEY, false, null, PAGE_SERVER);
    }

    private RestoreCompleted runningWithPagesPending(String kind, long epoch) {
        return new RestoreCompleted(msg.meta(kind, TARGET, 8).withEpoch(epoch), "d00d", CONTAINER, at(7), 300, 1_000, true);
    }

    private PagesTransferred pagesTransferred() {
        return new PagesTransferred(msg.meta("pages-transferred", TARGET, 12), 1L << 30, 5_000);
    }

    private PostCopyFailed postCopyFailed(String host, long epoch) {
        return new PostCopyFailed(msg.meta("post-copy-failed-" + host + "-" + epoch, host, 11).withEpoch(epoch),
                "Lazy pages transfer FAILED", true);
    }

    /** Requested with post-copy, checkpointed with a page server, restored: TRANSFERRING_PAGES. */
    private List<MigrationMessage> transferringPages() {
        List<MigrationMessage> sent = saga.handleAll(msg.requested(POST_COPY), msg.checkpointStarted(), msg.dumped(),
                checkpointCompletedServingPages(), msg.restoreStarted(), runningWithPagesPending("restore-completed", 0));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.TRANSFERRING_PAGES);
        return sent;
    }

    @Test
    void postCopyIsAskedOfTheSourceAndThePageServerItReportsIsGivenToTheTarget() {
        List<MigrationMessage> sent = transferringPages();

        assertThat(sent).filteredOn(m -> m instanceof CheckpointCommand).singleElement()
                .isInstanceOfSatisfying(CheckpointCommand.class, c -> assertThat(c.postCopy()).isTrue());
        assertThat(sent).filteredOn(m -> m instanceof RestoreCommand).singleElement()
                .isInstanceOfSatisfying(RestoreCommand.class, r -> assertThat(r.pageServer()).isEqualTo(PAGE_SERVER));
    }

    @Test
    void stopAndCopyStaysTheDefault() {
        List<MigrationMessage> sent = saga.handleAll(msg.requested(), msg.checkpointStarted(), msg.dumped(),
                msg.checkpointCompleted(saga.archive()));

        assertThat(sent).filteredOn(m -> m instanceof CheckpointCommand).singleElement()
                .isInstanceOfSatisfying(CheckpointCommand.class, c -> assertThat(c.postCopy()).isFalse());
        assertThat(sent).filteredOn(m -> m instanceof RestoreCommand).singleElement()
                .isInstanceOfSatisfying(RestoreCommand.class, r -> assertThat(r.pageServer()).isNull());
    }

    @Test
    void runningOnTheTargetWithPagesPendingWaitsThenEveryPageArrivedFinalizesAndCompletes() {
        List<MigrationMessage> sent = transferringPages();
        assertThat(sent.get(sent.size() - 1)).as("nothing follows RestoreCompleted(pagesPending)").isInstanceOf(RestoreCommand.class);
        Migration m = saga.m();
        assertThat(m.isPagesPending()).isTrue();
        assertThat(m.getRunningAt()).as("downtime ends when it runs on the target").isEqualTo(at(7));

        assertThat(saga.handle(pagesTransferred())).singleElement().isInstanceOfSatisfying(FinalizeCommand.class,
                f -> assertThat(f.meta().hostId()).isEqualTo(SOURCE));
        assertThat(saga.m().getPagesBytes()).isEqualTo(1L << 30);
        assertThat(saga.handle(msg.finalized())).singleElement().isInstanceOfSatisfying(MigrationCompleted.class,
                c -> assertThat(c.downtimeMillis()).as("freeze (+2 s) to running on the target (+7 s)").isEqualTo(5_000));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.COMPLETED);
    }

    @Test
    void aPostCopyFailureFromEitherHostRemovesTheTargetCopyThenResumesTheSourceCopyNeverCompletes() {
        for (String host : List.of(TARGET, SOURCE)) {
            Saga s = new Saga();
            SagaMessages mm = s.msg;
            s.handleAll(mm.requested(POST_COPY), mm.checkpointStarted(), mm.dumped(), new CheckpointCompleted(
                    mm.meta("checkpoint-completed", SOURCE, 4), s.archive(), DIGEST, SIZE, at(2), 1_000, 3_000, null, MANIFEST,
                    WRAPPED_KEY, false, null, PAGE_SERVER), new RestoreCompleted(mm.meta("restore-completed", TARGET, 8),
                    "d00d", CONTAINER, at(7), 300, 1_000, true));

            List<MigrationMessage> sent = s.handle(new PostCopyFailed(mm.meta("post-copy-failed", host, 11),
                    "Lazy pages transfer FAILED", true));

            // the target's copy (which cannot go on without its pages) goes first: never two copies
            assertThat(sent).as("reported by %s", host).singleElement().isInstanceOf(CancelRestoreCommand.class);
            assertThat(s.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
            // a late PagesTransferred of the old epoch completes nothing
            assertThat(s.handle(new PagesTransferred(mm.meta("pages-transferred", TARGET, 12), 1, 1))).isEmpty();
            // then the source's copy, held frozen and whole since the dump, runs again
            assertThat(s.handle(mm.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
            s.handle(mm.rolledBack(true));
            assertThat(s.m().getState()).isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(s.sent).noneMatch(m -> m instanceof MigrationMessage.FinalizeCommand
                    || m instanceof MigrationMessage.MigrationCompleted);
        }
    }

    @Test
    void aSourcePageServerFailureBeforeTheTargetSaidItRunsCancelsTheTargetCopyOnceItRuns() {
        saga.handleAll(msg.requested(POST_COPY), msg.checkpointStarted(), msg.dumped(), checkpointCompletedServingPages(),
                msg.restoreStarted());
        assertThat(saga.handle(postCopyFailed(SOURCE, 0))).as("the target has not answered yet").isEmpty();

        assertThat(saga.handle(runningWithPagesPending("restore-completed", 0))).singleElement()
                .isInstanceOf(CancelRestoreCommand.class);
    }

    @Test
    void aPageServerFailingBeforeTheCheckpointCompletedRollsBackInsteadOfRestoring() {
        saga.handleAll(msg.requested(POST_COPY), msg.checkpointStarted(), msg.dumped());
        assertThat(saga.handle(postCopyFailed(SOURCE, 0))).isEmpty();

        assertThat(saga.handle(checkpointCompletedServingPages())).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void aFailedRestoreOfAPostCopyMigrationRollsBackAsStopAndCopyDoes() {
        saga.handleAll(msg.requested(POST_COPY), msg.checkpointStarted(), msg.dumped(), checkpointCompletedServingPages(),
                msg.restoreStarted());

        assertThat(saga.handle(msg.restoreFailed())).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void aSilentTransferIsAskedAboutOnceThenItsTargetCopyIsCancelled() {
        transferringPages();

        List<MigrationMessage> first = saga.handle(msg.timedOut(MigrationState.TRANSFERRING_PAGES, 400));
        assertThat(first).singleElement().isInstanceOfSatisfying(RestoreCommand.class, r -> {
            assertThat(r.pageServer()).isEqualTo(PAGE_SERVER);
            assertThat(r.meta().epoch()).as("the same direction: no turn").isZero();
        });
        assertThat(saga.m().getState()).isEqualTo(MigrationState.TRANSFERRING_PAGES);
        assertThat(saga.m().getProbes()).isEqualTo(1);
        assertThat(saga.m().getRunningAt()).as("a probe's answer does not move the downtime").isEqualTo(at(7));

        List<MigrationMessage> second = saga.handle(msg.timedOut(MigrationState.TRANSFERRING_PAGES, 800, 1));
        assertThat(second).as("the target's copy goes before the source's comes back").singleElement()
                .isInstanceOf(CancelRestoreCommand.class);
        assertThat(saga.sent).noneMatch(m -> m instanceof RollbackCommand);
    }

    @Test
    void aProbeAnsweredWithPagesStillPendingKeepsWaiting() {
        transferringPages();
        saga.handle(msg.timedOut(MigrationState.TRANSFERRING_PAGES, 400));

        assertThat(saga.handle(runningWithPagesPending("restore-again/completed", 0))).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.TRANSFERRING_PAGES);
        assertThat(saga.handle(pagesTransferred())).singleElement().isInstanceOf(FinalizeCommand.class);
    }

    @Test
    void aCancelWhilePagesAreComingChangesNothing() {
        transferringPages();

        assertThat(saga.handle(msg.cancel(9))).isEmpty();
        assertThat(saga.handle(pagesTransferred())).singleElement().isInstanceOf(FinalizeCommand.class);
    }

    /** Fencing holds for the new reports: a restore cancelled since (epoch 1) is not taken up by its late answers. */
    @Test
    void lateReportsOfAnEpochTheMigrationLeftAreIgnored() {
        saga.handleAll(msg.requested(POST_COPY), msg.checkpointStarted(), msg.dumped(), checkpointCompletedServingPages(),
                msg.restoreStarted());
        saga.handleAll(msg.timedOut(MigrationState.RESTORING, 100), msg.timedOut(MigrationState.RESTORING, 200, 1));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getEpoch()).isEqualTo(1);

        List<MigrationMessage> sent = saga.handleAll(runningWithPagesPending("restore-completed", 0), postCopyFailed(TARGET, 0),
                new PagesTransferred(msg.meta("pages-transferred", TARGET, 12), 1, 1));

        assertThat(sent).isEmpty();
        assertThat(saga.m().getState()).isEqualTo(MigrationState.ROLLING_BACK);
        assertThat(saga.m().getPostCopyFailure()).as("not folded in").isNull();
        assertThat(saga.handle(msg.restoreCancelled(true))).singleElement().isInstanceOf(RollbackCommand.class);
    }

    @Test
    void preflightRefusesPostCopyWithKeepOrWhereAHostLacksTheFeature() {
        HostHeartbeat with = beat(SOURCE, "checkpoint", List.of("post-copy", "pre-copy"));
        HostHeartbeat target = beat(TARGET, "restore", List.of("post-copy"));
        HostHeartbeat without = beat(TARGET, "restore", List.of());

        assertThat(Preflight.postCopy(request(POST_COPY), with, target)).isEmpty();
        assertThat(Preflight.postCopy(request(MigrationOptions.defaults()), with, without)).as("stop-and-copy").isEmpty();
        assertThat(Preflight.postCopy(request(POST_COPY), with, without)).get().asString()
                .startsWith(Preflight.POST_COPY_REFUSED).contains("host " + TARGET + " cannot do it").contains("'post-copy'");
        assertThat(Preflight.postCopy(request(new MigrationOptions(true, false, null, null, true)), with, target)).get()
                .asString().startsWith(Preflight.POST_COPY_REFUSED).contains("keep");
        assertThat(Preflight.postCopy(request(new MigrationOptions(false, false, "web2", null, true)), with, target))
                .as("a new name is fine").isEmpty();
        // the page server is signed only into a direct transfer: no post-copy through the registry
        assertThat(Preflight.postCopy(request(new MigrationOptions(false, false, null, MigrationOptions.Transfer.REGISTRY,
                true)), with, target)).get().asString().startsWith(Preflight.POST_COPY_REFUSED).contains("transfer registry");
        HostHeartbeat noEndpoint = new HostHeartbeat(TARGET, "restore", Instant.EPOCH, "runc", "1", "4.2", "6.1", "x86_64",
                "v2", "cpu", 1L << 30, List.of(), Meta.VERSION, null, List.of("post-copy"));
        assertThat(Preflight.postCopy(request(POST_COPY), with, noEndpoint)).get().asString()
                .contains("needs the direct transfer").contains("offers none");
    }

    private MigrateRequested request(MigrationOptions options) {
        return new MigrateRequested(new Meta("r/requested", "r", MigrationPolicy.GATEWAY, Instant.EPOCH, Meta.VERSION),
                CONTAINER, SOURCE, TARGET, options);
    }

    private static HostHeartbeat beat(String host, String role, List<String> features) {
        return new HostHeartbeat(host, role, Instant.EPOCH, "runc", "1", "4.2", "6.1", "x86_64", "v2", "cpu", 1L << 30,
                List.of(), Meta.VERSION, role.equals("restore") ? "http://10.0.0.2:8083/transfers" : null, features);
    }
}
