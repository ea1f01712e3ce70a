package io.ferry.imageservice;

import io.ferry.core.image.ImageServiceToken;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Only who holds the host's token calls image-service: it makes the token at its first start in the
 * state root (0600), keeps it across restarts, answers 401 problem details without it or with a wrong
 * one, keeps health open, and listens on loopback unless told otherwise.
 */
class ImageServiceTokenTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Path root;
    private ConfigurableApplicationContext service;
    private URI base;

    @BeforeEach
    void root() throws IOException {
        root = Files.createTempDirectory("ferry-image-token").resolve("host");
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        FileTrees.deleteRecursively(root.getParent());
    }

    private void start() {
        service = new SpringApplicationBuilder(ImageServiceApplication.class).run("--server.port=0",
                "--ferry.host.id=tokens", "--ferry.host.root=" + root);
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> r, String detail) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ferry-image-service\"");
        JsonNode problem = Json.MAPPER.readTree(r.body());
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("detail").asString()).isEqualTo(detail);
    }

    @Test
    void withoutTheTokenEveryApiCallIsUnauthorized() throws Exception {
        start();
        Path file = root.resolve(ImageServiceToken.FILE);
        assertUnauthorized(get("/images", null), "this request has no Authorization: Bearer header;"
                + " image-service takes only its host's token (" + file + ")");
        assertUnauthorized(get("/images", "Basic Zm9vOmJhcg=="), "this request has no Authorization: Bearer header;"
                + " image-service takes only its host's token (" + file + ")");
        String token = ImageServiceToken.read(file);
        String wrong = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
        assertUnauthorized(get("/images", "Bearer " + wrong), "the bearer token is not this host's image-service token (" + file + ")");
        assertUnauthorized(get("/images", "Bearer " + token + "x"), "the bearer token is not this host's image-service token (" + file + ")");
        assertUnauthorized(get("/actuator/env", null), "this request has no Authorization: Bearer header;"
                + " image-service takes only its host's token (" + file + ")");
    }

    @Test
    void withTheHostsTokenItWorksAndHealthIsOpen() throws Exception {
        start();
        String token = ImageServiceToken.read(root.resolve(ImageServiceToken.FILE));
        HttpResponse<String> list = get("/images", "Bearer " + token);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theTokenIsMadeOnceIntoTheStateRootReadableOnlyByItsOwner() throws Exception {
        start();
        Path file = root.resolve(ImageServiceToken.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        String first = ImageServiceToken.read(file);
        assertThat(first).hasSize(43);
        service.close();
        start();
        assertThat(ImageServiceToken.read(file)).isEqualTo(first);
        assertThat(get("/images", "Bearer " + first).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedAtStart() throws Exception {
        start();
        service.close();
        service = null;
        Path file = root.resolve(ImageServiceToken.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::start).rootCause().hasMessage("the image-service token " + file
                + " is readable by others (mode 644, owner uid 0): it may have leaked; delete it and restart"
                + " image-service to make a new one");
    }

    @Test
    void itListensOnLoopbackByDefault() {
        start();
        assertThat(service.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
    }
}
