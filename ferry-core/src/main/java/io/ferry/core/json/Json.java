package io.ferry.core.json;

import io.ferry.core.error.FerryException;
import tools.jackson.core.JacksonException;
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
import java.util.function.Consumer;

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

    /**
     * A record this host wrote, read back and checked before it is trusted: JSON that does not parse,
     * an empty record, or a {@code check} that throws IllegalArgumentException is a FerryException
     * naming the file, the problem and {@code remedy}.
     */
    public static <T> T readRecord(Path file, Class<T> type, String what, String remedy, Consumer<T> check) {
        T value;
        try {
            value = read(file, type);
        } catch (JacksonException e) {
            throw new FerryException(what + " record " + file + " is not valid JSON: " + e.getOriginalMessage()
                    + "; " + remedy, e);
        }
        try {
            if (value == null) {
                throw new IllegalArgumentException("it is empty");
            }
            check.accept(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new FerryException(what + " record " + file + " is invalid: " + e.getMessage() + "; " + remedy, e);
        }
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
