package io.ferry.core.events;

import io.ferry.core.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

/** Messages to and from their JSON form (compact, one line: what goes on Kafka and into the event log). */
public final class MessageCodec {
    private static final ObjectMapper COMPACT = Json.MAPPER.rebuild().disable(SerializationFeature.INDENT_OUTPUT).build();

    private MessageCodec() {
    }

    public static String encode(Object message) {
        return COMPACT.writeValueAsString(message);
    }

    public static MigrationMessage decode(String json) {
        try {
            return COMPACT.readValue(json, MigrationMessage.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry migration message: " + e.getOriginalMessage(), e);
        }
    }

    public static HostHeartbeat decodeHeartbeat(String json) {
        try {
            return COMPACT.readValue(json, HostHeartbeat.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry heartbeat: " + e.getOriginalMessage(), e);
        }
    }
}
