package io.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * The header every message carries: a unique id (consumers deduplicate on it), the migration it
 * belongs to (also the Kafka key, so one migration's messages stay in order), the host that sent
 * it or that a command is addressed to, when it happened, and the schema version of its type.
 * {@code epoch}: the migration's direction counter (fencing). The gateway raises it whenever it turns a
 * migration around (cancel, rollback); every command carries the epoch it was decided in and every reply
 * echoes it, so a host refuses a command of an epoch it has seen passed, and the gateway ignores a report
 * of an epoch the migration has left. Absent (0) in messages of writers that predate it.
 */
public record Meta(String id, String migrationId, String hostId, Instant at, int schemaVersion, long epoch) {
    public static final int VERSION = 1;

    /** From JSON: a header without {@code epoch} (a writer from before fencing) is of epoch 0. */
    @JsonCreator
    static Meta fromJson(@JsonProperty("id") String id, @JsonProperty("migrationId") String migrationId,
                         @JsonProperty("hostId") String hostId, @JsonProperty("at") Instant at,
                         @JsonProperty("schemaVersion") int schemaVersion, @JsonProperty("epoch") Long epoch) {
        return new Meta(id, migrationId, hostId, at, schemaVersion, epoch == null ? 0 : epoch);
    }

    /** A header of epoch 0 (a request, a migration that never turned). */
    public Meta(String id, String migrationId, String hostId, Instant at, int schemaVersion) {
        this(id, migrationId, hostId, at, schemaVersion, 0);
    }

    /**
     * The header of a message caused by this one (a host's reply to a command, the coordinator's
     * decision on an event): its id derives from this id, so handling a redelivered message yields
     * the same ids and what it causes is recorded once however often it is sent. It keeps the epoch.
     */
    public Meta reply(String kind, String fromHost) {
        return new Meta(id + "/" + kind, migrationId, fromHost, Instant.now(), VERSION, epoch);
    }

    /** The same header in another epoch. */
    public Meta withEpoch(long newEpoch) {
        return new Meta(id, migrationId, hostId, at, schemaVersion, newEpoch);
    }
}
