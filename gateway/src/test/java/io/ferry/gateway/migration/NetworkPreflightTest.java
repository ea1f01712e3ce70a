package io.ferry.gateway.migration;

import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationRejected;
import io.ferry.protocol.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's preflight: a container with an address moves only to a host on the same network (name, subnet, VXLAN
 * id) where the address is free; a renamed copy gets a new address; loopback-only containers are not checked; and
 * --tcp-established with --name is refused as Podman refuses it. Refusals of these kinds are answered 422.
 */
class NetworkPreflightTest {
    private static final String SOURCE = "demo-a";
    private static final String TARGET = "demo-b";
    private static final HostHeartbeat.Network WEB = new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42,
            List.of("10.89.0.5"));
    private static final HostHeartbeat.RunningContainer ON_WEB = new HostHeartbeat.RunningContainer("ab".repeat(32), "web",
            "busybox", "running", "web", "10.89.0.5", "02:42:0a:59:00:05", List.of("0.0.0.0:8080->80/tcp"));

    private static MigrateRequested request(MigrationOptions options) {
        return new MigrateRequested(new Meta("r/requested", "r", MigrationPolicy.GATEWAY, Instant.EPOCH, Meta.VERSION),
                "web", SOURCE, TARGET, options);
    }

    private static HostHeartbeat target(HostHeartbeat.Network... networks) {
        return new HostHeartbeat(TARGET, "restore", Instant.EPOCH, "runc", "1.1.12", "4.2", "6.1", "x86_64", "v2", "cpu",
                1L << 30, List.of(), Meta.VERSION, null, List.of(), List.of(networks));
    }

    private static Optional<String> check(MigrationOptions options, HostHeartbeat.RunningContainer c, HostHeartbeat target) {
        return NetworkPreflight.check(request(options), c, List.of(WEB), target);
    }

    @Test
    void aTargetOnTheSameNetworkWithTheAddressFreeTakesIt() {
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target(new HostHeartbeat.Network("web", "10.89.0.0/24",
                "10.89.0.1", 42, List.of("10.89.0.130"))))).isEmpty();
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target(new HostHeartbeat.Network("web", "10.89.0.0/24",
                "10.89.0.1", 42, null)))).as("no addresses listed").isEmpty();
    }

    @Test
    void aTargetNotOnTheNetworkOrOnADifferentOneIsRefusedNamingHostAndNetwork() {
        String expected = "host demo-b is not on network web (subnet 10.89.0.0/24, vxlan 42)";
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target())).contains(expected);
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target(new HostHeartbeat.Network("db", "10.89.0.0/24", null, 42,
                List.of())))).contains(expected);
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target(new HostHeartbeat.Network("web", "10.90.0.0/24", null, 42,
                List.of())))).as("another subnet").contains(expected);
        assertThat(check(MigrationOptions.defaults(), ON_WEB, target(new HostHeartbeat.Network("web", "10.89.0.0/24", null, 43,
                List.of())))).as("another overlay").contains(expected);
        assertThat(check(new MigrationOptions(false, false, "web2"), ON_WEB, target())).as("renamed, still needs the network")
                .contains(expected);
        HostHeartbeat oldTarget = new HostHeartbeat(TARGET, "restore", Instant.EPOCH, "runc", "1.1.12", "4.2", "6.1",
                "x86_64", "v2", "cpu", 1L << 30, List.of(), Meta.VERSION, null, List.of(), null);
        assertThat(check(MigrationOptions.defaults(), ON_WEB, oldTarget)).as("a host from before networks").contains(expected);
    }

    @Test
    void anAddressInUseOnTheTargetIsRefusedUnlessTheCopyIsRenamed() {
        HostHeartbeat taken = target(new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42,
                List.of("10.89.0.2", "10.89.0.5")));
        assertThat(check(MigrationOptions.defaults(), ON_WEB, taken)).contains("address 10.89.0.5 of network web is in use on demo-b");
        assertThat(check(new MigrationOptions(false, false, "web2"), ON_WEB, taken)).as("a renamed restore gets a new address")
                .isEmpty();
    }

    @Test
    void keepOnANetworkSpanningBothHostsWouldAnswerForOneAddressTwiceUnlessRenamed() {
        HostHeartbeat free = target(new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42, List.of()));
        assertThat(check(new MigrationOptions(true, false, null), ON_WEB, free)).get().asString()
                .contains("address 10.89.0.5 of network web stays in use on demo-a with keep");
        assertThat(check(new MigrationOptions(true, false, "web2"), ON_WEB, free)).isEmpty();
        HostHeartbeat.Network local = new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 0, List.of());
        assertThat(NetworkPreflight.check(request(new MigrationOptions(true, false, null)), ON_WEB, List.of(local),
                target(local))).as("a network of each host alone: two segments").isEmpty();
    }

    @Test
    void containersWithoutANetworkOrAddressAreNotChecked() {
        HostHeartbeat bare = target();
        assertThat(check(MigrationOptions.defaults(), new HostHeartbeat.RunningContainer("ab".repeat(32), "web", "busybox",
                "running"), bare)).isEmpty();
        assertThat(check(MigrationOptions.defaults(), new HostHeartbeat.RunningContainer("ab".repeat(32), "web", "busybox",
                "running", "none", null, null, List.of()), bare)).isEmpty();
        assertThat(check(MigrationOptions.defaults(), new HostHeartbeat.RunningContainer("ab".repeat(32), "web", "busybox",
                "running", "web", null, null, List.of()), bare)).as("no address yet").isEmpty();
    }

    @Test
    void tcpEstablishedWithANewNameIsRefusedBeforeTheHostsAreConsulted() {
        Preflight preflight = new Preflight(null, null); // no hosts: the options alone refuse it

        assertThat(preflight.check(request(new MigrationOptions(false, true, "web2"))))
                .contains(Preflight.OPTIONS_REFUSED + "--tcp-established cannot be used with --name");
        assertThat(new MigrationOptions(false, true, null).conflict()).isEmpty();
        assertThat(new MigrationOptions(true, false, "web2").conflict()).isEmpty();
    }

    @Test
    void optionAndNetworkRefusalsAreUnprocessableTheHostsStateIsAConflict() {
        assertThat(Preflight.unprocessable(Preflight.OPTIONS_REFUSED + "--tcp-established cannot be used with --name")).isTrue();
        assertThat(Preflight.unprocessable(Preflight.NETWORK_REFUSED + "host demo-b is not on network web")).isTrue();
        assertThat(Preflight.unprocessable(Preflight.POST_COPY_REFUSED + "x")).isTrue();
        assertThat(Preflight.unprocessable("target host demo-b is down")).isFalse();
        assertThat(Preflight.unprocessable(null)).isFalse();
    }

    @Test
    void theSagaRejectsWithTheNetworkReasonAndCommandsNoHost() {
        Saga saga = new Saga();
        String reason = Preflight.NETWORK_REFUSED + "address 10.89.0.5 of network web is in use on demo-b";
        saga.context.refusal = Optional.of(reason);

        assertThat(saga.handle(saga.msg.requested())).singleElement().isInstanceOfSatisfying(MigrationRejected.class,
                r -> assertThat(r.reason()).isEqualTo(reason));
        assertThat(saga.m().getState()).isEqualTo(MigrationState.FAILED);
    }
}
