package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationOptions;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The saga without its plumbing: what {@link MigrationCoordinator} does with a message, in memory.
 * A message whose id is in the log already is dropped; otherwise it is folded into its migration,
 * the policy decides, and each decision not logged before is logged, folded in and sent (the outbox).
 * Kept to the coordinator's steps, so scenarios here run the real projection and policy in the real
 * order; no Spring, no database, no Kafka.
 */
final class Saga {
    static final String REGISTRY = "registry://registry.test:5000/ferry/migrations:";

    /** The migration most scenarios are about. */
    final SagaMessages msg = new SagaMessages("m-1");
    final FakeContext context = new FakeContext();
    /** Ids of every message logged, in log order (the event log's unique event id). */
    final List<String> logged = new ArrayList<>();
    /** The decisions and commands the coordinator made, in order (what the outbox relay sends). */
    final List<MigrationMessage> sent = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final Map<String, Migration> view = new HashMap<>();
    private long seq;

    /** What the saga sends in answer to {@code message}: nothing for a duplicate or a stray message. */
    List<MigrationMessage> handle(MigrationMessage message) {
        if (!log(message)) {
            return List.of();
        }
        Migration current = view.get(message.meta().migrationId());
        MigrationState before = current == null ? null : current.getState();
        Migration m = MigrationProjection.fold(current, message, seq);
        if (m == null) {
            return List.of();
        }
        view.put(m.getId(), m);
        List<MigrationMessage> out = new ArrayList<>();
        for (MigrationMessage next : MigrationPolicy.react(m, before, message, context)) {
            if (log(next)) {
                MigrationProjection.apply(m, next, seq);
                out.add(next);
                sent.add(next);
            }
        }
        return out;
    }

    /** Handles each message in turn; what was sent in answer to all of them. */
    List<MigrationMessage> handleAll(MigrationMessage... messages) {
        List<MigrationMessage> out = new ArrayList<>();
        for (MigrationMessage message : messages) {
            out.addAll(handle(message));
        }
        return out;
    }

    Migration migration(String id) {
        return view.get(id);
    }

    /** The migration of {@link #msg}. */
    Migration m() {
        return view.get(msg.id);
    }

    String archive() {
        return context.archiveFor(msg.id, "a");
    }

    /** {@link #msg}'s migration (a move) brought to {@code state} the way it gets there. */
    Saga given(MigrationState state) {
        return given(state, MigrationOptions.defaults());
    }

    /**
     * {@link #msg}'s migration brought to {@code state}: along the happy path, ROLLING_BACK by a failed
     * restore, ROLLED_BACK by its rollback, FAILED by a refused preflight. REQUESTED is folded without
     * decisions (the coordinator moves on to CHECKPOINTING in the request's own transaction).
     */
    Saga given(MigrationState state, MigrationOptions options) {
        if (state == MigrationState.REQUESTED) {
            log(msg.requested(options));
            view.put(msg.id, MigrationProjection.fold(null, msg.requested(options), seq));
            return this;
        }
        if (state == MigrationState.FAILED) {
            context.refusal = Optional.of("target host host-b is down");
            handle(msg.requested(options));
            context.refusal = Optional.empty();
            return check(state);
        }
        List<MigrationMessage> path = new ArrayList<>(List.of(msg.requested(options), msg.checkpointStarted()));
        if (state != MigrationState.CHECKPOINTING) {
            path.addAll(List.of(msg.dumped(), msg.uploaded(1_024)));
        }
        if (state != MigrationState.CHECKPOINTING && state != MigrationState.UPLOADING) {
            path.addAll(List.of(msg.checkpointCompleted(archive()), msg.restoreStarted()));
        }
        switch (state) {
            case CHECKPOINTING, UPLOADING, RESTORING -> {
            }
            case FINALIZING -> path.add(msg.restoreCompleted());
            case COMPLETED -> path.addAll(List.of(msg.restoreCompleted(), msg.finalized()));
            case ROLLING_BACK -> path.add(msg.restoreFailed());
            case ROLLED_BACK -> path.addAll(List.of(msg.restoreFailed(), msg.rolledBack(true)));
            default -> throw new IllegalArgumentException(state.name());
        }
        path.forEach(this::handle);
        return check(state);
    }

    private Saga check(MigrationState state) {
        if (m().getState() != state) {
            throw new IllegalStateException("the saga did not get to " + state + " but to " + m().getState());
        }
        return this;
    }

    long seq() {
        return seq;
    }

    /**
     * A copy of a migration's row as it is now, to compare with later (the coordinator's decisions are
     * stamped with the wall clock, so two runs of a scenario differ in the times they record).
     */
    static Migration snapshot(Migration m) {
        Migration copy = new Migration();
        for (Field field : Migration.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            try {
                field.set(copy, field.get(m));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return copy;
    }

    private boolean log(MigrationMessage message) {
        if (!ids.add(message.meta().id())) {
            return false;
        }
        logged.add(message.meta().id());
        seq++;
        return true;
    }

    /** Preflight passes unless a refusal is set; archives go where the gateway's configuration puts them. */
    static final class FakeContext implements MigrationPolicy.Context {
        final List<MigrateRequested> preflighted = new ArrayList<>();
        Optional<String> refusal = Optional.empty();
        /** The source's container id of the request's container (as its heartbeat shows it). */
        Optional<String> containerId = Optional.of("c0ffee");
        /** The migration that has this container under way, if any. */
        Optional<String> activeMigration = Optional.empty();
        /** Issue 11: the target's direct-transfer URL (none: the target takes no direct transfers). */
        Optional<String> transferEndpoint = Optional.empty();

        @Override
        public Optional<String> transferEndpoint(String targetHost) {
            return transferEndpoint;
        }

        @Override
        public Optional<String> containerId(MigrateRequested request) {
            return containerId;
        }

        @Override
        public Optional<String> activeMigrationOf(String sourceHost, String containerId, String exceptMigrationId) {
            return activeMigration;
        }

        @Override
        public Optional<String> preflight(MigrateRequested request) {
            preflighted.add(request);
            return refusal;
        }

        @Override
        public String archiveFor(String migrationId, String sourceHost) {
            return REGISTRY + migrationId;
        }
    }
}
