package io.ferry.compose;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/compose.local.yml names the local Kafka image by the tag scripts/build-images.sh gives it: the Kafka
 * version of Boot's BOM. A Boot upgrade changes that tag; this fails in seconds, where the compose test would
 * fail minutes in on an image that cannot be pulled.
 */
class LocalOverrideTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theLocalKafkaImageHasTheTagBuildImagesGivesIt() throws IOException {
        String version = System.getProperty("ferry.kafka.version");
        assertThat(version).as("system property ferry.kafka.version (the root pom sets it)").isNotBlank();

        assertThat(Files.readString(ROOT.resolve("deploy/compose.local.yml")))
                .contains("kafka: { image: \"ferry-local/kafka:" + version + "\" }");
    }
}
