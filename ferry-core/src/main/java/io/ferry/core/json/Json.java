package io.ferry.core.json;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** One JSON mapper for all of Ferry's files (config.dump, spec.dump, state, image records). */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // archives from newer Ferry versions stay readable
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    public static <T> T read(Path file, Class<T> type) {
        return MAPPER.readValue(file.toFile(), type);
    }

    public static <T> T read(InputStream in, Class<T> type) {
        return MAPPER.readValue(in, type);
    }

    public static ObjectNode readTree(Path file) {
        JsonNode node = MAPPER.readTree(file.toFile());
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(file + " does not hold a JSON object");
        }
        return object;
    }

    public static byte[] bytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String string(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** Writes via a temporary file and rename, so readers never see half a file. */
    public static void write(Path file, Object value) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes(value));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
