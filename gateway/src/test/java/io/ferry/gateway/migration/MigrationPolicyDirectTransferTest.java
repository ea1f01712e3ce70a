package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 11: which migrations go straight to the target, and what their RestoreCommand carries. */
class MigrationPolicyDirectTransferTest {
    private static final String ENDPOINT = "http://127.0.0.1:18083/transfers";
    private static final Map<String, String> SIGNATURE = Map.of("io.ferry.signature", "c2ln", "io.ferry.signature.key", "ed25519:ab");

    private static CheckpointCommand checkpointOf(List<MigrationMessage> sent) {
        return sent.stream().filter(CheckpointCommand.class::isInstance).map(CheckpointCommand.class::cast).findFirst()
                .orElseThrow();
    }

    private static CheckpointCompleted directCompleted(Saga saga, String archive) {
        CheckpointCompleted c = saga.msg.checkpointCompleted(archive);
        return new CheckpointCompleted(c.meta(), archive, "sha256:" + "ab".repeat(32), c.size(), c.frozenAt(), c.dumpMillis(),
                c.totalMillis(), null, null, SagaMessages.WRAPPED_KEY, true, SIGNATURE, null);
    }

    @Test
    void aDefaultMigrationToATargetWithAnEndpointCheckpointsStraightToIt() {
        Saga saga = new Saga();
        saga.context.transferEndpoint = Optional.of(ENDPOINT);

        CheckpointCommand c = checkpointOf(saga.handle(saga.msg.requested()));

        assertThat(c.transferEndpoint()).isEqualTo(ENDPOINT);
        assertThat(saga.m().getTransfer()).isEqualTo("DIRECT");
    }

    @Test
    void registryAskedForOrATargetWithoutEndpointGoesThroughTheRegistryAsBefore() {
        Saga registry = new Saga();
        registry.context.transferEndpoint = Optional.of(ENDPOINT);
        assertThat(checkpointOf(registry.handle(registry.msg.requested(new MigrationOptions(false, false, null,
                MigrationOptions.Transfer.REGISTRY, false)))).transferEndpoint()).isNull();

        Saga noEndpoint = new Saga();
        assertThat(checkpointOf(noEndpoint.handle(noEndpoint.msg.requested())).transferEndpoint()).isNull();
    }

    @Test
    void aDirectCheckpointLeadsToADirectRestoreWithItsDigestSignatureAndKeyAlsoWhenSentAgain() {
        Saga saga = new Saga();
        saga.context.transferEndpoint = Optional.of(ENDPOINT);
        saga.handleAll(saga.msg.requested(), saga.msg.checkpointStarted(), saga.msg.dumped());

        List<MigrationMessage> sent = saga.handle(directCompleted(saga, saga.archive()));
        RestoreCommand r = (RestoreCommand) sent.get(0);

        assertThat(r.direct()).isTrue();
        assertThat(r.archiveDigest()).isEqualTo("sha256:" + "ab".repeat(32));
        assertThat(r.signature()).isEqualTo(SIGNATURE);
        assertThat(r.wrappedKey()).isEqualTo(SagaMessages.WRAPPED_KEY);
        assertThat(r.sourceHost()).isEqualTo(SagaMessages.SOURCE);
        assertThat(r.manifestDigest()).isNull();

        saga.handle(saga.msg.restoreStarted());
        RestoreCommand again = (RestoreCommand) saga.handle(saga.msg.timedOut(MigrationState.RESTORING)).get(0);
        assertThat(again.direct()).isTrue();
        assertThat(again.signature()).isEqualTo(SIGNATURE);
        assertThat(again.archiveDigest()).isEqualTo(r.archiveDigest());
    }

    @Test
    void aRegistryCheckpointLeadsToAPinnedRegistryRestore() {
        Saga saga = new Saga().given(MigrationState.RESTORING);
        RestoreCommand r = saga.sent.stream().filter(RestoreCommand.class::isInstance).map(RestoreCommand.class::cast)
                .findFirst().orElseThrow();
        assertThat(r.direct()).isFalse();
        assertThat(r.manifestDigest()).isEqualTo(SagaMessages.MANIFEST);
    }
}
