package io.ferry.core.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The header every message carries: a unique id (consumers deduplicate on it), the migration it
 * belongs to (also the Kafka key, so one migration's messages stay in order), the host that sent
 * it or that a command is addressed to, when it happened, and the schema version of its type.
 */
public record Meta(String id, String migrationId, String hostId, Instant at, int schemaVersion) {
    public static final int VERSION = 1;

    public static Meta of(String migrationId, String hostId) {
        return new Meta(UUID.randomUUID().toString(), migrationId, hostId, Instant.now(), VERSION);
    }

    /**
     * The id of a reply to a command, derived from the command's id: handling a redelivered
     * command yields the same ids, so the reply is recorded once however often it is sent.
     */
    public Meta reply(String kind, String fromHost) {
        return new Meta(id + "/" + kind, migrationId, fromHost, Instant.now(), VERSION);
    }
}
