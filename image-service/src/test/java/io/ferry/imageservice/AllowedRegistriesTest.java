package io.ferry.imageservice;

import io.ferry.core.image.ImageServiceToken;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * image-service pulls only from the registries it is configured for: a pull request naming another
 * registry (as a restore of a hostile archive would send) is refused with 403 naming it, and no
 * request reaches that registry.
 */
class AllowedRegistriesTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeRegistry good;
    private FakeRegistry evil;
    private Path root;
    private ConfigurableApplicationContext service;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        good = FakeRegistry.start();
        evil = FakeRegistry.start();
        root = Files.createTempDirectory("ferry-allowed-registries");
        service = new SpringApplicationBuilder(ImageServiceApplication.class).run("--server.port=0",
                "--ferry.host.id=allowed", "--ferry.host.root=" + root,
                "--ferry.registry-auth=" + good.address() + "=ferry:secret");
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterEach
    void stop() {
        service.close();
        good.close();
        evil.close();
        FileTrees.deleteRecursively(root);
    }

    @Test
    void aPullFromARegistryNotAllowedIsRefused() throws IOException, InterruptedException {
        String image = evil.address() + "/library/busybox:1";

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/images/pull"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ImageServiceToken.read(root.resolve(ImageServiceToken.FILE)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"reference\":\"" + image + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("names registry " + evil.address()
                + ", which is not an allowed registry of this host (allowed: " + good.address() + ")");
        assertThat(evil.requests()).as("requests to the other registry").isEmpty();
        assertThat(good.requests()).isEmpty();
    }
}
