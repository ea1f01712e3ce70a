package io.ferry.gateway.host;

import io.ferry.gateway.config.GatewayProperties;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MessageCodec;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Hosts as their heartbeats describe them; a host service that has not beaten within the TTL is down. */
@Service
public class Hosts {
    private final HostRepository hosts;
    private final GatewayProperties properties;

    public Hosts(HostRepository hosts, GatewayProperties properties) {
        this.hosts = hosts;
        this.properties = properties;
    }

    @Transactional
    public void record(HostHeartbeat beat) {
        HostEntity e = hosts.findById(beat.hostId() + ":" + beat.role()).orElseGet(() -> new HostEntity(beat.hostId(), beat.role()));
        if (e.getLastSeen() == null || !beat.at().isBefore(e.getLastSeen())) {
            e.seen(beat.at(), MessageCodec.encode(beat));
            hosts.save(e);
        }
    }

    /**
     * A host whose service of some role is up: that service's heartbeat, and the host's newest one
     * from any service. Its services share one engine, so the newest is the freshest view of its
     * containers (the one GET /api/hosts/{id}/containers shows).
     */
    public record Up(HostHeartbeat service, HostHeartbeat newest) {
    }

    /** The host, if its service of that role has beaten within the TTL. */
    public Optional<Up> up(String hostId, String role) {
        List<HostEntity> entities = hosts.findByHostId(hostId);
        return entities.stream().filter(e -> e.getRole().equals(role) && fresh(e)).findFirst()
                .map(e -> new Up(MessageCodec.decodeHeartbeat(e.getHeartbeat()), newest(entities)));
    }

    public boolean fresh(HostEntity e) {
        return e.getLastSeen().plus(properties.heartbeatTtl()).isAfter(Instant.now());
    }

    /** One entry per host: its services, whether each is up, and what they report. */
    public record HostView(String id, boolean up, Map<String, ServiceView> services, HostHeartbeat latest) {
    }

    public record ServiceView(String role, boolean up, Instant lastSeen) {
    }

    public List<HostView> list() {
        Map<String, List<HostEntity>> byHost = new TreeMap<>();
        for (HostEntity e : hosts.findAll()) {
            byHost.computeIfAbsent(e.getHostId(), k -> new ArrayList<>()).add(e);
        }
        List<HostView> out = new ArrayList<>();
        byHost.forEach((id, entities) -> out.add(view(id, entities)));
        return out;
    }

    public Optional<HostView> get(String hostId) {
        List<HostEntity> entities = hosts.findByHostId(hostId);
        return entities.isEmpty() ? Optional.empty() : Optional.of(view(hostId, entities));
    }

    private HostView view(String id, List<HostEntity> entities) {
        Map<String, ServiceView> services = new TreeMap<>();
        for (HostEntity e : entities) {
            services.put(e.getRole(), new ServiceView(e.getRole(), fresh(e), e.getLastSeen()));
        }
        boolean up = services.values().stream().anyMatch(ServiceView::up);
        return new HostView(id, up, services, newest(entities));
    }

    private static HostHeartbeat newest(List<HostEntity> entities) {
        HostEntity newest = entities.stream().max(Comparator.comparing(HostEntity::getLastSeen)).orElseThrow();
        return MessageCodec.decodeHeartbeat(newest.getHeartbeat());
    }
}
