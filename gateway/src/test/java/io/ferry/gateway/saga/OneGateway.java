package io.ferry.gateway.saga;

import io.ferry.core.os.FileTrees;
import io.ferry.gateway.ApiTokenFiles;
import io.ferry.gateway.GatewayApplication;
import io.ferry.gateway.host.Hosts;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.Meta;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real gateway (embedded PostgreSQL, Spring's in-process KRaft broker, real HTTP) without hosts: the
 * hosts it needs are heartbeats recorded in its table. For saga tests of races, fencing and the outbox.
 */
final class OneGateway implements AutoCloseable {
    static final String SOURCE = "host-a";
    static final String TARGET = "host-b";

    final EmbeddedKafkaKraftBroker kafka;
    final ConfigurableApplicationContext context;
    private final Path work;
    private final URI url;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    private OneGateway(EmbeddedKafkaKraftBroker kafka, Path work, ConfigurableApplicationContext context, String token) {
        this.kafka = kafka;
        this.work = work;
        this.context = context;
        this.token = token;
        this.url = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    static OneGateway start(String... extraArgs) {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        try {
            Path work = Files.createTempDirectory("ferry-saga-gw");
            Path tokens = work.resolve("tokens");
            String token = ApiTokenFiles.add(tokens, ACCOUNT, "admin");
            List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.kafka.bootstrap-servers="
                    + kafka.getBrokersAsString(), "--ferry.gateway.data-dir=" + work.resolve("gateway"),
                    "--ferry.gateway.security.tokens-file=" + tokens, "--ferry.gateway.heartbeat-ttl=10m"));
            args.addAll(List.of(extraArgs));
            ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                    .run(args.toArray(String[]::new));
            return new OneGateway(kafka, work, context, token);
        } catch (IOException e) {
            kafka.destroy();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            kafka.destroy();
            throw e;
        }
    }

    /** The gateway's base URL and the admin account's name and token (a dashboard logs in with them). */
    URI url() {
        return url;
    }

    static final String ACCOUNT = "ops";

    String token() {
        return token;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Host A's checkpoint-service and host B's restore-service are up; A runs {@code containers} (id, name). */
    void hostsUp(List<HostHeartbeat.RunningContainer> onSource) {
        hostsUp(onSource, List.of(), List.of());
    }

    /** As {@link #hostsUp(List)}, each host's services listing {@code features} ("post-copy", ...). */
    void hostsUp(List<HostHeartbeat.RunningContainer> onSource, List<String> sourceFeatures, List<String> targetFeatures) {
        Hosts hosts = bean(Hosts.class);
        hosts.record(beat(SOURCE, "checkpoint", onSource, sourceFeatures));
        hosts.record(beat(TARGET, "restore", List.of(), targetFeatures));
    }

    private static HostHeartbeat beat(String host, String role, List<HostHeartbeat.RunningContainer> containers,
                                      List<String> features) {
        return new HostHeartbeat(host, role, Instant.now(), "runc", "1.1.12", "4.2", "6.1.0", "x86_64", "v2", "cpu",
                1L << 30, containers, Meta.VERSION, role.equals("restore") ? "http://127.0.0.1:9/transfers" : null, features);
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String json) {
        try {
            return http.send(HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            kafka.destroy();
            FileTrees.deleteRecursively(work);
        }
    }
}
