package io.ferry.gateway.saga;

import io.ferry.core.json.Json;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.gateway.host.Hosts;
import io.ferry.gateway.migration.MigrationRepository;
import io.ferry.gateway.migration.MigrationState;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 through the real gateway (REST, PostgreSQL, Kafka) with forged heartbeats: a container with an address is
 * refused (422, and MigrationRejected for a Kafka request) a target that is not on its network or has its address in
 * use; a renamed copy needs only the network; --tcp-established with --name is refused; the hosts API shows the
 * networks and each container's address, MAC and ports; a heartbeat with markup in a port or network is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkPreflightSagaTest {
    private static final String ID = "5e".repeat(32);
    private static final HostHeartbeat.Network WEB = new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42,
            List.of("10.89.0.5"));
    private static final HostHeartbeat.RunningContainer ON_WEB = new HostHeartbeat.RunningContainer(ID, "net-web",
            "busybox", "running", "web", "10.89.0.5", "02:42:0a:59:00:05", List.of("0.0.0.0:8080->80/tcp"));
    /** Moved once in a test under a new name (the migration then stays under way: no host answers). */
    private static final HostHeartbeat.RunningContainer RENAMED = new HostHeartbeat.RunningContainer("6e".repeat(32),
            "net-renamed", "busybox", "running", "web", "10.89.0.6", "02:42:0a:59:00:06", List.of());

    private OneGateway gateway;
    private KafkaProducer<String, String> kafka;

    @BeforeAll
    void start() {
        gateway = OneGateway.start();
        kafka = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.kafka.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** The source runs net-web at 10.89.0.5 on network web; the target's restore-service lists {@code targetNetworks}. */
    private void hosts(List<HostHeartbeat.Network> targetNetworks) {
        Hosts hosts = gateway.bean(Hosts.class);
        hosts.record(beat(OneGateway.SOURCE, "checkpoint", List.of(ON_WEB, RENAMED), List.of(WEB)));
        hosts.record(beat(OneGateway.TARGET, "restore", List.of(), targetNetworks));
    }

    private static HostHeartbeat beat(String host, String role, List<HostHeartbeat.RunningContainer> containers,
                                      List<HostHeartbeat.Network> networks) {
        return beat(host, role, containers, networks, Instant.now());
    }

    private static HostHeartbeat beat(String host, String role, List<HostHeartbeat.RunningContainer> containers,
                                      List<HostHeartbeat.Network> networks, Instant at) {
        return new HostHeartbeat(host, role, at, "runc", "1.1.12", "4.2", "6.1.0", "x86_64", "v2", "cpu",
                1L << 30, containers, Meta.VERSION, role.equals("restore") ? "http://127.0.0.1:9/transfers" : null,
                List.of(), networks);
    }

    @Test
    void aTargetNotOnTheContainersNetworkIsRefused422NamingHostAndNetwork() {
        hosts(List.of(new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 7, List.of()))); // another overlay

        HttpResponse<String> refused = gateway.post("/api/migrations", request("net-web", null, false));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(detail(refused)).contains("host host-b is not on network web (subnet 10.89.0.0/24, vxlan 42)");
        assertThat(types(migrationOf(refused))).containsExactly("MigrateRequested", "MigrationRejected");
    }

    @Test
    void anAddressInUseOnTheTargetIsRefused422UnlessTheCopyIsRenamed() {
        hosts(List.of(new HostHeartbeat.Network("web", "10.89.0.0/24", "10.89.0.1", 42, List.of("10.89.0.5", "10.89.0.6"))));

        HttpResponse<String> refused = gateway.post("/api/migrations", request("net-web", null, false));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(detail(refused)).contains("address 10.89.0.5 of network web is in use on host-b");

        HttpResponse<String> renamed = gateway.post("/api/migrations", request("net-renamed", "net-web2", false));
        assertThat(renamed.statusCode()).as("a renamed copy gets a new address: %s", renamed.body()).isEqualTo(202);
    }

    @Test
    void tcpEstablishedWithANewNameIsRefused422WithPodmansMessage() {
        hosts(List.of(WEB));

        HttpResponse<String> refused = gateway.post("/api/migrations", request("net-web", "net-web3", true));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(detail(refused)).contains("--tcp-established cannot be used with --name");
        assertThat(types(migrationOf(refused))).containsExactly("MigrateRequested", "MigrationRejected");
    }

    @Test
    void aKafkaRequestToATargetOffTheNetworkEndsRejectedWithTheReason() throws Exception {
        hosts(List.of());
        String id = UUID.randomUUID().toString();

        kafka.send(new ProducerRecord<>(Topics.requests("net-system"), id, MessageCodec.encode(new MigrationMessage.MigrateRequested(
                new Meta(id + "/requested", id, "net-system", Instant.now(), Meta.VERSION), "net-web", OneGateway.SOURCE,
                OneGateway.TARGET, MigrationOptions.defaults())))).get(30, TimeUnit.SECONDS);

        MigrationRepository migrations = gateway.bean(MigrationRepository.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> migrations.findById(id).isPresent());
        assertThat(migrations.findById(id).orElseThrow().getState()).isEqualTo(MigrationState.FAILED);
        assertThat(migrations.findById(id).orElseThrow().getError())
                .contains("host host-b is not on network web (subnet 10.89.0.0/24, vxlan 42)");
        assertThat(types(id)).containsExactly("MigrateRequested", "MigrationRejected");
    }

    @Test
    void theHostsApiShowsNetworksAndEachContainersAddressMacAndPorts() {
        hosts(List.of(WEB));

        JsonNode container = Json.MAPPER.readTree(gateway.get("/api/hosts/" + OneGateway.SOURCE + "/containers").body())
                .get(0);
        assertThat(container.path("network").asString()).isEqualTo("web");
        assertThat(container.path("ip").asString()).isEqualTo("10.89.0.5");
        assertThat(container.path("mac").asString()).isEqualTo("02:42:0a:59:00:05");
        assertThat(container.path("ports").get(0).asString()).isEqualTo("0.0.0.0:8080->80/tcp");
        JsonNode network = Json.MAPPER.readTree(gateway.get("/api/hosts/" + OneGateway.TARGET).body())
                .path("latest").path("networks").get(0);
        assertThat(network.path("name").asString()).isEqualTo("web");
        assertThat(network.path("subnet").asString()).isEqualTo("10.89.0.0/24");
        assertThat(network.path("vni").asInt()).isEqualTo(42);
    }

    @Test
    void aHeartbeatWithMarkupInAPortOrNetworkIsRefusedAndTheHostsOtherOneIsTaken() throws Exception {
        Instant now = Instant.now();
        HostHeartbeat.RunningContainer markup = new HostHeartbeat.RunningContainer(ID, "xss", "busybox", "running", "web",
                "10.89.0.9", null, List.of("<img src=x onerror=alert(1)>"));
        send("host-x", beat("host-x", "restore", List.of(markup), List.of(WEB), now.plusSeconds(2)));
        send("host-x", beat("host-x", "restore", List.of(ON_WEB), List.of(new HostHeartbeat.Network("<b>web</b>",
                "10.89.0.0/24", null, 42, List.of())), now.plusSeconds(3)));
        // older than the forged ones: were either recorded, this one would be skipped as stale and the forged one shown
        send("host-x", beat("host-x", "restore", List.of(RENAMED), List.of(WEB), now));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gateway.get("/api/hosts/host-x").statusCode() == 200);
        String shown = gateway.get("/api/hosts/host-x").body();
        assertThat(shown).contains("net-renamed").doesNotContain("<img", "<b>", "xss");
    }

    /** A heartbeat as its host sends it; encoding checks nothing, decoding refuses the forged ones. */
    private void send(String host, HostHeartbeat beat) throws Exception {
        kafka.send(new ProducerRecord<>(Topics.hostHeartbeats(host), host + ":" + beat.role(), MessageCodec.encode(beat)))
                .get(30, TimeUnit.SECONDS);
    }

    private static String request(String container, String newName, boolean tcpEstablished) {
        return "{\"container\":\"" + container + "\",\"sourceHost\":\"" + OneGateway.SOURCE + "\",\"targetHost\":\"" + OneGateway.TARGET
                + "\"" + (newName == null ? "" : ",\"newName\":\"" + newName + "\"") + ",\"tcpEstablished\":" + tcpEstablished
                + "}";
    }

    private static String detail(HttpResponse<String> r) {
        return Json.MAPPER.readTree(r.body()).path("detail").asString();
    }

    private static String migrationOf(HttpResponse<String> refused) {
        return Json.MAPPER.readTree(refused.body()).path("migration").asString().replaceFirst(".*/", "");
    }

    private List<String> types(String id) {
        return gateway.bean(EventLog.class).of(id).stream().map(EventLogEntry::getType).toList();
    }
}
