package io.ferry.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Upload sessions (and everything else) live in PostgreSQL and on disk: they survive a restart. */
class RegistryRestartTest {
    private final Path data = RegistryServerTest.tempDir();
    private ConfigurableApplicationContext context;

    private V2 start() {
        java.util.List<String> args = new java.util.ArrayList<>(TestUsers.arguments());
        args.addAll(java.util.List.of("--server.port=0", "--ferry.registry.data-dir=" + data,
                "--ferry.registry.auth.secret=restart-test-secret-of-at-least-32-bytes"));
        context = new SpringApplicationBuilder(RegistryApplication.class).run(args.toArray(String[]::new));
        return new V2(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        io.ferry.core.os.FileTrees.deleteRecursively(data);
    }

    @Test
    void anUploadStartedBeforeARestartFinishesAfterIt() {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        String repo = "restart/blob";
        V2 before = start();
        String location = before.send(before.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
        assertThat(before.send(before.authed(location, V2.push(repo)).header("Content-Range", "0-99999")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(content, 100_000)))).statusCode())
                .isEqualTo(202);
        context.close();

        V2 after = start();
        HttpResponse<String> status = after.send(after.authed(location, V2.push(repo)).GET());
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-99999");
        HttpResponse<String> put = after.send(after.authed(location + "?digest=" + V2.digest(content), V2.push(repo))
                .header("Content-Range", "100000-199999")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 100_000, 200_000))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(after.sendBytes(after.authed("/v2/" + repo + "/blobs/" + V2.digest(content), V2.pull(repo)).GET()).body())
                .isEqualTo(content);
    }
}
