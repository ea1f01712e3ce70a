package io.ferry.gateway.host;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The latest heartbeat of one host service (host id + role). */
@Entity
@Table(name = "host")
public class HostEntity {
    @Id
    private String id;

    @Column(name = "host_id", nullable = false)
    private String hostId;

    @Column(nullable = false)
    private String role;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    @Column(nullable = false)
    private String heartbeat;

    protected HostEntity() {
    }

    public HostEntity(String hostId, String role) {
        this.id = hostId + ":" + role;
        this.hostId = hostId;
        this.role = role;
    }

    public String getHostId() {
        return hostId;
    }

    public String getRole() {
        return role;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public String getHeartbeat() {
        return heartbeat;
    }

    public void seen(Instant at, String heartbeatJson) {
        this.lastSeen = at;
        this.heartbeat = heartbeatJson;
    }
}
