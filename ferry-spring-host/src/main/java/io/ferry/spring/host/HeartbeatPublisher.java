package io.ferry.spring.host;

import io.ferry.core.engine.FerryEngine;
import io.ferry.core.engine.HostDescription;
import io.ferry.core.engine.HostFeatures;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.Meta;
import io.ferry.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Announces the host service every few seconds: versions, CPU, free disk, containers (ferry.host.ID.heartbeats). */
@Component
public class HeartbeatPublisher {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final FerryEngine engine;
    private final KafkaTemplate<String, String> kafka;
    private final String role;
    private final Environment env;

    public HeartbeatPublisher(FerryEngine engine, KafkaTemplate<String, String> kafka, Environment env) {
        this.engine = engine;
        this.kafka = kafka;
        this.role = env.getProperty("ferry.host.role", "host");
        this.env = env;
    }

    /**
     * Issue 11, direct transfer: where a restore-service takes a migration's archive straight from the source,
     * {@code ferry.host.transfer.advertised-url}, else {@code http://ADDRESS:PORT/transfers} with this server's
     * port and {@code ferry.host.transfer.address} (else server.address, else the address this host reaches the
     * Kafka broker from: the hosts' shared network, where the machine's name may resolve to loopback); null
     * for other roles and before the server listens.
     */
    String transferEndpoint() {
        if (!"restore".equals(role)) {
            return null;
        }
        String advertised = env.getProperty("ferry.host.transfer.advertised-url");
        if (advertised != null && !advertised.isBlank()) {
            return advertised;
        }
        String port = env.getProperty("local.server.port");
        if (port == null) {
            return null;
        }
        String address = env.getProperty("ferry.host.transfer.address", env.getProperty("server.address", ""));
        if (address.isBlank()) { // the address this host reaches the broker from: the network the hosts share
            address = OutgoingAddress.towards(env.getProperty("spring.kafka.bootstrap-servers")).orElse("127.0.0.1");
        }
        return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/transfers";
    }

    @Scheduled(fixedRateString = "${ferry.host.heartbeat-interval:5s}", initialDelay = 0)
    public void beat() {
        try {
            kafka.send(Topics.hostHeartbeats(engine.host().id()), engine.host().id() + ":" + role, MessageCodec.encode(heartbeat()));
        } catch (RuntimeException e) {
            log.warn("heartbeat not sent: {}", e.getMessage());
        }
    }

    public HostHeartbeat heartbeat() {
        HeartbeatNetworks networks = new HeartbeatNetworks(engine.networks());
        List<HostHeartbeat.RunningContainer> containers = engine.containers().list(true).stream()
                .map(networks::container).toList();
        HostDescription host = engine.describe();
        HostHeartbeat beat = new HostHeartbeat(engine.host().id(), role, Instant.now(), host.runtime(), host.runtimeVersion(),
                host.criuVersion(), host.kernel(), host.arch(), host.cgroupVersion(), cpuModel(),
                freeDisk(engine.host().root()), containers, Meta.VERSION, transferEndpoint(), features(), networks.networks());
        return withoutNetworksIfRefused(beat);
    }

    /**
     * Issue 12: the gateway refuses a heartbeat with a value it cannot trust, and a host whose heartbeats are refused
     * looks down; so a network value the gateway would refuse (a bug in the networking) costs the networks, not the beat.
     */
    static HostHeartbeat withoutNetworksIfRefused(HostHeartbeat beat) {
        try {
            MessageCodec.decodeHeartbeat(MessageCodec.encode(beat));
            return beat;
        } catch (IllegalArgumentException e) {
            log.warn("heartbeat sent without networks: {}", e.getMessage());
            return new HostHeartbeat(beat.hostId(), beat.role(), beat.at(), beat.runtime(), beat.runtimeVersion(),
                    beat.criuVersion(), beat.kernel(), beat.arch(), beat.cgroupVersion(), beat.cpuModel(),
                    beat.freeDiskBytes(), beat.containers().stream().map(c -> new HostHeartbeat.RunningContainer(c.id(),
                    c.name(), c.image(), c.status())).toList(), beat.schemaVersion(), beat.transferEndpoint(),
                    beat.features(), List.of());
        }
    }

    /** "post-copy", "pre-copy": what the engine found works on this host (issue 11). */
    private List<String> features() {
        HostFeatures f = engine.features();
        List<String> features = new java.util.ArrayList<>();
        if (f.postCopy()) {
            features.add("post-copy");
        }
        if (f.preCopy()) {
            features.add("pre-copy");
        }
        return features;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long freeDisk(Path root) {
        try {
            Files.createDirectories(root);
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
