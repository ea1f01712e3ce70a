package io.ferry.gateway.host;

import io.ferry.core.events.HostHeartbeat;
import io.ferry.core.events.MessageCodec;
import io.ferry.gateway.config.GatewayProperties;
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

    /** The host's latest heartbeat of that role, if it is fresh. */
    public Optional<HostHeartbeat> up(String hostId, String role) {
        return hosts.findById(hostId + ":" + role).filter(this::fresh).map(e -> MessageCodec.decodeHeartbeat(e.getHeartbeat()));
    }

    /**
     * The host's newest heartbeat from any of its services. They share one engine, so this is the
     * freshest view of its containers (and the one GET /api/hosts/{id}/containers shows).
     */
    public Optional<HostHeartbeat> latest(String hostId) {
        return hosts.findByHostId(hostId).stream().max(Comparator.comparing(HostEntity::getLastSeen))
                .map(e -> MessageCodec.decodeHeartbeat(e.getHeartbeat()));
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
        HostEntity newest = entities.stream().max(Comparator.comparing(HostEntity::getLastSeen)).orElseThrow();
        boolean up = services.values().stream().anyMatch(ServiceView::up);
        return new HostView(id, up, services, MessageCodec.decodeHeartbeat(newest.getHeartbeat()));
    }
}
