package io.ferry.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Messages to and from their JSON form (compact, one line: what goes on Kafka and into the event log). */
public final class MessageCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // messages from newer Ferry versions stay readable
            .build();

    private MessageCodec() {
    }

    public static String encode(Object message) {
        return MAPPER.writeValueAsString(message);
    }

    public static MigrationMessage decode(String json) {
        try {
            return MAPPER.readValue(json, MigrationMessage.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry migration message: " + e.getOriginalMessage(), e);
        }
    }

    public static HostHeartbeat decodeHeartbeat(String json) {
        try {
            return MAPPER.readValue(json, HostHeartbeat.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry heartbeat: " + e.getOriginalMessage(), e);
        }
    }
}
