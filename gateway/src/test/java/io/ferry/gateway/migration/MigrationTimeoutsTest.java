package io.ferry.gateway.migration;

import io.ferry.gateway.config.GatewayProperties;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.MigrationTimedOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeout check, run by hand against in-memory stand-ins for the repository and the coordinator
 * (no Spring, no database): which migrations it times out, after which limit, and with which message.
 */
class MigrationTimeoutsTest {
    /** A distinct limit per stage, so a stage checked against another stage's limit shows. */
    private static final GatewayProperties.Timeouts LIMITS = new GatewayProperties.Timeouts(Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4), Duration.ofMinutes(5), Duration.ofMinutes(6));
    private static final Map<MigrationState, Duration> LIMIT = Map.of(MigrationState.REQUESTED, LIMITS.requested(),
            MigrationState.CHECKPOINTING, LIMITS.checkpointing(), MigrationState.UPLOADING, LIMITS.checkpointing(),
            MigrationState.RESTORING, LIMITS.restoring(), MigrationState.FINALIZING, LIMITS.finalizing(),
            MigrationState.ROLLING_BACK, LIMITS.rollingBack(), MigrationState.TRANSFERRING_PAGES, LIMITS.transferringPages());
    /** Far from either side of a limit, so the check's own clock cannot tip a case over. */
    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final List<Migration> stored = new ArrayList<>();
    private final List<Collection<MigrationState>> askedFor = new ArrayList<>();
    private final List<MigrationMessage> submitted = new ArrayList<>();
    private static final GatewayProperties PROPERTIES = new GatewayProperties(null, "registry.test:5000", "ferry/migrations",
            Duration.ofSeconds(15), LIMITS);
    /** An instance that has been watching for a long time. */
    private final MigrationTimeouts timeouts = new MigrationTimeouts(repository(), coordinator(), PROPERTIES, Instant.EPOCH);

    /** Answers findByStateIn from {@link #stored} as the query would; nothing else is expected. */
    private MigrationRepository repository() {
        return (MigrationRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MigrationRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("findByStateIn")) {
                        @SuppressWarnings("unchecked")
                        Collection<MigrationState> states = (Collection<MigrationState>) args[0];
                        askedFor.add(states);
                        return stored.stream().filter(m -> states.contains(m.getState())).toList();
                    }
                    if (method.getName().equals("toString")) {
                        return "in-memory MigrationRepository";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Records what would be submitted. */
    private MigrationCoordinator coordinator() {
        return new MigrationCoordinator(null, null, null, null, null, null) {
            @Override
            public void submit(MigrationMessage message) {
                submitted.add(message);
            }
        };
    }

    private Migration stored(String id, MigrationState state, Instant enteredAt) {
        Migration m = new Migration(id);
        m.setState(state);
        m.setStateEnteredAt(enteredAt);
        stored.add(m);
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"REQUESTED", "CHECKPOINTING", "UPLOADING", "RESTORING",
            "FINALIZING", "ROLLING_BACK"})
    void migrationStuckLongerThanItsStagesLimitTimesOutNamingTheStage(MigrationState state) {
        Instant now = Instant.now();
        stored("late", state, now.minus(LIMIT.get(state)).minus(MARGIN));

        timeouts.check();

        assertThat(submitted).singleElement().isInstanceOfSatisfying(MigrationTimedOut.class, t -> {
            assertThat(t.stage()).isEqualTo(state.name());
            assertThat(t.meta().migrationId()).isEqualTo("late");
            assertThat(t.meta().hostId()).isEqualTo(MigrationPolicy.GATEWAY);
        });
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"REQUESTED", "CHECKPOINTING", "UPLOADING", "RESTORING",
            "FINALIZING", "ROLLING_BACK"})
    void migrationWithinItsStagesLimitIsLeftAlone(MigrationState state) {
        Instant now = Instant.now();
        stored("on-time", state, now.minus(LIMIT.get(state)).plus(MARGIN));

        timeouts.check();

        assertThat(submitted).isEmpty();
    }

    @Test
    void anInstanceThatHasJustStartedGivesEveryStageItsFullLimitFromItsStart() {
        Instant now = Instant.now();
        stored("silent-while-down", MigrationState.CHECKPOINTING, now.minus(Duration.ofHours(1)));
        MigrationTimeouts restarted = new MigrationTimeouts(repository(), coordinator(), PROPERTIES, now.minus(MARGIN));

        restarted.check();
        assertThat(submitted).as("the reports sent while it was down are read first").isEmpty();

        new MigrationTimeouts(repository(), coordinator(), PROPERTIES,
                now.minus(LIMITS.checkpointing()).minus(MARGIN)).check();
        assertThat(submitted).singleElement().isInstanceOf(MigrationTimedOut.class);
    }

    @Test
    void onlyMigrationsThatCanStillMoveAreChecked() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(1));
        stored("done", MigrationState.COMPLETED, longAgo);
        stored("undone", MigrationState.ROLLED_BACK, longAgo);
        stored("broken", MigrationState.FAILED, longAgo);

        timeouts.check();

        assertThat(askedFor).singleElement().satisfies(states -> assertThat(states)
                .containsExactlyInAnyOrderElementsOf(MigrationState.active())
                .doesNotContain(MigrationState.COMPLETED, MigrationState.ROLLED_BACK, MigrationState.FAILED));
        assertThat(submitted).isEmpty();
    }

    @Test
    void repeatedChecksDuringOneStayInAStateRepeatTheSameTimeoutId() {
        Instant enteredAt = Instant.now().minus(Duration.ofHours(1));
        stored("stuck", MigrationState.RESTORING, enteredAt);

        timeouts.check();
        timeouts.check();

        assertThat(submitted).hasSize(2);
        assertThat(submitted.get(0).meta().id())
                .isEqualTo("stuck/timeout/RESTORING/" + enteredAt.toEpochMilli())
                .isEqualTo(submitted.get(1).meta().id());
    }

    @Test
    void newStayInAStateGetsANewTimeoutId() {
        Migration m = stored("stuck", MigrationState.RESTORING, Instant.now().minus(Duration.ofHours(2)));
        timeouts.check();

        m.setState(MigrationState.ROLLING_BACK);
        m.setStateEnteredAt(Instant.now().minus(Duration.ofHours(1)));
        timeouts.check();

        assertThat(submitted).extracting(t -> t.meta().id()).doesNotHaveDuplicates().hasSize(2);
        assertThat(submitted).extracting(t -> ((MigrationTimedOut) t).stage())
                .containsExactly("RESTORING", "ROLLING_BACK");
    }

    @Test
    void eachStuckMigrationTimesOutOnItsOwn() {
        Instant now = Instant.now();
        stored("a", MigrationState.CHECKPOINTING, now.minus(Duration.ofMinutes(3)));
        stored("b", MigrationState.RESTORING, now.minus(Duration.ofMinutes(1)));
        stored("c", MigrationState.FINALIZING, now.minus(Duration.ofMinutes(5)));

        timeouts.check();

        assertThat(submitted).extracting(t -> t.meta().migrationId()).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void timeoutTheCheckSubmitsIsOneThePolicyActsOn() {
        Saga saga = new Saga().given(MigrationState.RESTORING);
        stored.add(saga.m());
        saga.m().setStateEnteredAt(Instant.now().minus(Duration.ofHours(1)));
        saga.m().setLastActivityAt(Instant.now().minus(Duration.ofHours(1)));

        timeouts.check();
        List<MigrationMessage> sent = saga.handle(submitted.get(0));

        // the first timeout of a restore asks the target again (what runs there decides), it cancels nothing
        assertThat(sent).singleElement().isInstanceOf(MigrationMessage.RestoreCommand.class);
        assertThat(saga.m().getState()).isEqualTo(MigrationState.RESTORING);
    }
}
