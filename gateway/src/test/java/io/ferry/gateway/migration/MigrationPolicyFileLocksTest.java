package io.ferry.gateway.migration;

import io.ferry.gateway.api.MigrationView;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RollbackCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Podman's --file-locks for a migration: recorded, shown, and put into every command that checkpoints or restores. */
class MigrationPolicyFileLocksTest {
    private static final MigrationOptions LOCKS = MigrationOptions.defaults().withFileLocks(true);

    private static <T> T only(Class<T> type, List<MigrationMessage> sent) {
        return sent.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    void fileLocksReachTheCheckpointTheRestoreAndTheView() {
        Saga saga = new Saga();

        CheckpointCommand checkpoint = only(CheckpointCommand.class, saga.handle(saga.msg.requested(LOCKS)));
        saga.handleAll(saga.msg.checkpointStarted(), saga.msg.dumped());
        RestoreCommand restore = only(RestoreCommand.class, saga.handle(saga.msg.checkpointCompleted(saga.archive())));

        assertThat(checkpoint.fileLocks()).isTrue();
        assertThat(restore.fileLocks()).isTrue();
        assertThat(saga.m().isFileLocks()).isTrue();
        assertThat(MigrationView.of(saga.m()).options().fileLocks()).isTrue();
    }

    @Test
    void withoutTheOptionNoCommandAsksForFileLocks() {
        Saga saga = new Saga().given(MigrationState.ROLLING_BACK);

        assertThat(saga.sent).filteredOn(CheckpointCommand.class::isInstance).map(CheckpointCommand.class::cast)
                .singleElement().matches(c -> !c.fileLocks());
        assertThat(saga.sent).filteredOn(RestoreCommand.class::isInstance).map(RestoreCommand.class::cast)
                .allMatch(r -> !r.fileLocks());
        assertThat(saga.sent).filteredOn(RollbackCommand.class::isInstance).map(RollbackCommand.class::cast)
                .singleElement().matches(r -> !r.fileLocks());
        assertThat(MigrationView.of(saga.m()).options().fileLocks()).isFalse();
    }

    @Test
    void theRollbackRestoresFromTheArchiveWithFileLocks() {
        Saga saga = new Saga().given(MigrationState.UPLOADING, LOCKS);

        RollbackCommand rollback = only(RollbackCommand.class, saga.handle(saga.msg.checkpointFailed(false)));

        assertThat(rollback.fileLocks()).as("the archive was made with --file-locks: its restore needs it").isTrue();
    }

    @Test
    void postCopyCarriesFileLocksInItsDirectRestore() {
        Saga saga = new Saga();
        saga.context.transferEndpoint = Optional.of("http://127.0.0.1:18083/transfers");
        MigrationOptions postCopy = new MigrationOptions(false, false, null, null, true).withFileLocks(true);

        CheckpointCommand checkpoint = only(CheckpointCommand.class, saga.handle(saga.msg.requested(postCopy)));
        saga.handleAll(saga.msg.checkpointStarted(), saga.msg.dumped());
        CheckpointCompleted c = saga.msg.checkpointCompleted(saga.archive());
        RestoreCommand restore = only(RestoreCommand.class, saga.handle(new CheckpointCompleted(c.meta(), c.archive(),
                "sha256:" + "ab".repeat(32), c.size(), c.frozenAt(), c.dumpMillis(), c.totalMillis(), null, null,
                SagaMessages.WRAPPED_KEY, true, Map.of("io.ferry.signature", "c2ln"), "10.0.0.1:27000")));

        assertThat(checkpoint.postCopy()).isTrue();
        assertThat(checkpoint.fileLocks()).isTrue();
        assertThat(restore.pageServer()).isEqualTo("10.0.0.1:27000");
        assertThat(restore.fileLocks()).isTrue();
    }
}
