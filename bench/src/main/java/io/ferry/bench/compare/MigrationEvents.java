package io.ferry.bench.compare;

import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A migration's event log as the gateway serves it ({@code GET /api/migrations/{id}/events}, JSON). */
record MigrationEvents(List<JsonNode> events) {

    Optional<JsonNode> first(String type) {
        return events.stream().filter(e -> e.path("type").asString("").equals(type)).findFirst();
    }

    boolean has(String type) {
        return first(type).isPresent();
    }

    /** When the message was written (its meta.at), by the clock of whoever wrote it (all on this machine). */
    Instant at(String type) {
        return first(type).map(e -> instant(e.path("meta").path("at"))).orElse(null);
    }

    /** An instant field of the first message of that type. */
    Instant instantField(String type, String field) {
        return first(type).map(e -> instant(e.path(field))).orElse(null);
    }

    Long longField(String type, String field) {
        return first(type).filter(e -> e.path(field).isNumber()).map(e -> e.path(field).asLong()).orElse(null);
    }

    static Instant instant(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) { // seconds with a fraction, when written as a timestamp
            double s = n.asDouble();
            return Instant.ofEpochSecond((long) Math.floor(s), (long) ((s - Math.floor(s)) * 1e9));
        }
        return Instant.parse(n.asString());
    }

    static Long millis(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
