package io.ferry.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Messages to and from their JSON form (compact, one line: what goes on Kafka and into the event log). */
public final class MessageCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // messages from newer Ferry versions stay readable
            // and older ones too: a switch they lack (direct, postCopy, ...) is off, as it was when they were written
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private MessageCodec() {
    }

    public static String encode(Object message) {
        return MAPPER.writeValueAsString(message);
    }

    /**
     * A message with its header and id, its identifiers checked ({@link Identifiers}), or
     * IllegalArgumentException (consumers skip such a record).
     */
    public static MigrationMessage decode(String json) {
        MigrationMessage message;
        try {
            message = MAPPER.readValue(json, MigrationMessage.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry migration message: " + e.getOriginalMessage(), e);
        }
        if (message == null || message.meta() == null || message.meta().id() == null || message.meta().id().isBlank()) {
            throw new IllegalArgumentException("not a Ferry migration message: it has no meta.id");
        }
        MessageChecks.check(message); // a forged identifier is refused here, before any consumer acts on it
        return message;
    }

    public static HostHeartbeat decodeHeartbeat(String json) {
        HostHeartbeat beat;
        try {
            beat = MAPPER.readValue(json, HostHeartbeat.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a Ferry heartbeat: " + e.getOriginalMessage(), e);
        }
        if (beat == null) {
            throw new IllegalArgumentException("not a Ferry heartbeat: null");
        }
        try {
            MessageChecks.check(beat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HostHeartbeat: " + e.getMessage(), e);
        }
        return beat;
    }
}
