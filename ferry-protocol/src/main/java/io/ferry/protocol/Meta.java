package io.ferry.protocol;

import java.time.Instant;

/**
 * The header every message carries: a unique id (consumers deduplicate on it), the migration it
 * belongs to (also the Kafka key, so one migration's messages stay in order), the host that sent
 * it or that a command is addressed to, when it happened, and the schema version of its type.
 */
public record Meta(String id, String migrationId, String hostId, Instant at, int schemaVersion) {
    public static final int VERSION = 1;

    /**
     * The header of a message caused by this one (a host's reply to a command, the coordinator's
     * decision on an event): its id derives from this id, so handling a redelivered message yields
     * the same ids and what it causes is recorded once however often it is sent.
     */
    public Meta reply(String kind, String fromHost) {
        return new Meta(id + "/" + kind, migrationId, fromHost, Instant.now(), VERSION);
    }
}
