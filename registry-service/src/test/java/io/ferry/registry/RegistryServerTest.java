package io.ferry.registry;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * registry-service on a random port with its own data directory, a test user (ferry/secret) and no
 * garbage collection during the tests. Subclasses with no other configuration share one running
 * service (Spring's context cache), embedded PostgreSQL included.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.registry.gc.interval=1h"})
abstract class RegistryServerTest {
    static final Path DATA = tempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestUsers.register(registry);
        registry.add("ferry.registry.data-dir", DATA::toString);
    }

    @LocalServerPort
    int port;

    static Path tempDir() {
        try {
            return Files.createTempDirectory("ferry-registry-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
