package io.ferry.spring.host;

import io.ferry.core.host.Host;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The commands a host service has carried out, with the replies it sent (on disk, under the host's
 * root): a redelivered or duplicated command is answered with the same replies (same ids) and
 * changes nothing. A command whose handling was cut off (a crash) has no entry and is run again;
 * the handlers make that safe.
 */
@Component
public class ProcessedCommands {
    private final Path dir;
    private final CommandEpochs epochs;
    private final RestoredMigrations restored;

    public ProcessedCommands(Host host, org.springframework.core.env.Environment env) {
        Path service = host.root().resolve("services").resolve(env.getProperty("spring.application.name", "host-service"));
        this.dir = service.resolve("processed");
        this.epochs = new CommandEpochs(service.resolve("epochs"));
        this.restored = new RestoredMigrations(service.resolve("restored"));
    }

    /** The highest epoch seen per migration (fencing of late commands). */
    public RestoredMigrations restored() {
        return restored;
    }

    public CommandEpochs epochs() {
        return epochs;
    }

    public Optional<List<MigrationMessage>> replies(String commandId) {
        Path file = file(commandId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] lines = Json.read(file, String[].class);
        return Optional.of(Arrays.stream(lines).map(MessageCodec::decode).toList());
    }

    public void record(String commandId, List<MigrationMessage> replies) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.write(file(commandId), replies.stream().map(MessageCodec::encode).toList());
    }

    /** Command ids are free text (derived ids hold slashes): the file is named by their sha256. */
    private Path file(String commandId) {
        return dir.resolve(Sha256.hex(Sha256.of(commandId.getBytes(StandardCharsets.UTF_8))) + ".json");
    }
}
