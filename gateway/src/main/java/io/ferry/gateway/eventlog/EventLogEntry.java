package io.ferry.gateway.eventlog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One message in the append-only event log; {@code seq} orders the log. */
@Entity
@Table(name = "event_log")
public class EventLogEntry {
    @Id
    private Long seq;

    @Column(name = "event_id", nullable = false, unique = true)
    private String eventId;

    @Column(name = "migration_id", nullable = false)
    private String migrationId;

    @Column(nullable = false)
    private String type;

    @Column(name = "host_id")
    private String hostId;

    @Column(nullable = false)
    private Instant at;

    @Column(nullable = false)
    private String payload;

    /** The Kafka principal that asked for the migration (MigrateRequested from Kafka only). */
    @Column(name = "requested_by")
    private String requestedBy;

    protected EventLogEntry() {
    }

    public Long getSeq() {
        return seq;
    }

    public String getEventId() {
        return eventId;
    }

    public String getMigrationId() {
        return migrationId;
    }

    public String getType() {
        return type;
    }

    public String getHostId() {
        return hostId;
    }

    public Instant getAt() {
        return at;
    }

    public String getPayload() {
        return payload;
    }

    public String getRequestedBy() {
        return requestedBy;
    }
}
