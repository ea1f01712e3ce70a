package io.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Schema of each event type in docs/events is generated from the records (victools), and a
 * message of each type as Ferry encodes it validates against its schema (networknt). Run with
 * -Dferry.writeSchemas=true to regenerate the files after changing an event.
 */
class EventSchemasTest {
    private static final Path DOCS = Path.of("..", "docs", "events");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields every message of a type carries; the rest may be null (a new name, statistics, ...). */
    private static final Set<String> REQUIRED = Set.of("meta", "id", "migrationId", "at", "archive", "reason",
            "container", "sourceHost", "targetHost", "digest", "stage", "frozenAt", "runningAt", "hostId", "role");

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<JsonSubTypes.Type> types() {
        return List.of(MigrationMessage.class.getAnnotation(JsonSubTypes.class).value());
    }

    static ObjectNode schemaOf(Class<?> type, String name) {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON).with(Option.ADDITIONAL_FIXED_TYPES, Option.STANDARD_FORMATS);
        // meta.epoch: writers from before fencing leave it out (it reads as 0)
        config.forFields().withRequiredCheck(f -> !f.getName().equals("epoch")
                && (f.getType().isPrimitive() || REQUIRED.contains(f.getName())));
        // what is not required may be sent as null (Ferry writes every field)
        config.forFields().withNullableCheck(f -> !(f.getType().isPrimitive() || REQUIRED.contains(f.getName())));
        // Jackson 3's @JsonNaming (snake_case CRIU statistics) is not visible to the generator: apply it here
        config.forFields().withPropertyNameOverrideResolver(f -> f.getDeclaringType().getErasedType()
                .isAnnotationPresent(tools.jackson.databind.annotation.JsonNaming.class) ? snake(f.getName()) : null);
        ObjectNode schema = new SchemaGenerator(config.build()).generateSchema(type);
        schema.put("title", name);
        schema.put("$id", "https://ferry.io/schemas/events/" + name + ".schema.json");
        ObjectNode properties = (ObjectNode) schema.get("properties");
        ObjectNode typed = JSON.createObjectNode();
        typed.putObject("type").put("const", name);
        typed.setAll(properties);
        schema.set("properties", typed);
        ArrayNode required = schema.has("required") ? (ArrayNode) schema.get("required") : schema.putArray("required");
        required.insert(0, "type");
        return schema;
    }

    @Test
    void everyEventTypeHasItsCurrentSchemaInDocs() throws IOException {
        boolean write = Boolean.getBoolean("ferry.writeSchemas");
        List<String> stale = new ArrayList<>();
        for (JsonSubTypes.Type t : types()) {
            String expected = schemaOf(t.value(), t.name()).toPrettyString() + "\n";
            Path file = DOCS.resolve(t.name() + ".schema.json");
            if (write) {
                Files.createDirectories(DOCS);
                Files.writeString(file, expected);
            } else if (!Files.isRegularFile(file) || !Files.readString(file).equals(expected)) {
                stale.add(file.toString());
            }
        }
        if (write) {
            Files.writeString(DOCS.resolve("HostHeartbeat.schema.json"),
                    schemaOf(HostHeartbeat.class, "HostHeartbeat").toPrettyString() + "\n");
        }
        assertThat(stale).as("schemas out of date; regenerate with mvn test -Dtest=EventSchemasTest -Dferry.writeSchemas=true")
                .isEmpty();
    }

    @Test
    void anEncodedMessageOfEachTypeValidatesAgainstItsSchema() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (JsonSubTypes.Type t : types()) {
            JsonNode schema = JSON.readTree(Files.readString(DOCS.resolve(t.name() + ".schema.json")));
            MigrationMessage sample = (MigrationMessage) sample(t.value());
            String json = MessageCodec.encode(sample);
            Set<ValidationMessage> problems = factory.getSchema(schema).validate(JSON.readTree(json));
            assertThat(problems).as(t.name() + ": " + json).isEmpty();
            assertThat(MessageCodec.decode(json)).as("round trip of " + t.name()).isEqualTo(sample);
        }
    }

    @Test
    void aMessageMissingItsHeaderIsInvalid() throws Exception {
        JsonNode schema = JSON.readTree(Files.readString(DOCS.resolve("RestoreFailed.schema.json")));
        Set<ValidationMessage> problems = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema)
                .validate(JSON.readTree("{\"type\":\"RestoreFailed\",\"reason\":\"x\"}"));
        assertThat(problems).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("meta"));
    }

    /** A record of the type with a plausible value in every component. */
    static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = value(components[i].getType(), components[i].getName());
        }
        return type.getDeclaredConstructor(types).newInstance(args);
    }

    private static Object value(Class<?> t, String name) {
        if (t == Meta.class) {
            return new Meta("m-1", "migration-1", "host-a", Instant.parse("2026-11-26T08:00:00Z"), Meta.VERSION);
        } else if (t == String.class) {
            return switch (name) { // values that pass the decoder's identifier checks (Identifiers)
                case "archive" -> "registry://localhost:5000/ferry/migrations:migration-1";
                case "containerId" -> "0123456789abcdef".repeat(4);
                case "digest", "manifestDigest", "archiveDigest" -> "sha256:" + "0123456789abcdef".repeat(4);
                case "transferEndpoint" -> "http://10.0.0.2:8083/transfers";
                case "pageServer" -> "10.0.0.1:27000";
                case "sourceHost", "targetHost" -> "host-" + name.charAt(0);
                default -> name + "-value";
            };
        } else if (t == long.class) {
            return 42L;
        } else if (t == int.class) {
            return 1;
        } else if (t == boolean.class) {
            return true;
        } else if (t == Instant.class) {
            return Instant.parse("2026-11-26T08:00:01Z");
        } else if (t == java.util.Map.class) {
            return java.util.Map.of("io.ferry.signature.value", "c2lnbmF0dXJl");
        } else if (t == MigrationOptions.class) {
            return new MigrationOptions(false, true, null);
        } else if (t == DumpStatistics.class) {
            return new DumpStatistics(1, 2, 3, 4, 5, 6, 7, 8);
        }
        throw new IllegalArgumentException("no sample for " + t);
    }
}
