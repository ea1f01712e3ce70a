package io.ferry.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.wait.strategy.Wait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml as a user runs it (README, "Deployment with docker compose"): brought up by Testcontainers
 * with Debian's docker-compose 1.29 and deploy/compose.local.yml (every image built here; Ferry's own by compose
 * from the jars `mvn package` made), credentials from scripts/compose-secrets.sh. A counting container started on
 * host-a moves to host-b through the gateway's REST API and counts on without restarting; Prometheus scrapes every
 * Ferry service. Tagged compose: needs the Docker engine and the local images (scripts/build-images.sh all).
 * Ryuk is off (pom.xml: its image cannot be pulled here); {@link #down()} removes the project with its volumes.
 */
@Tag("compose")
class ComposeMigrationTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> SERVICES = List.of("kafka", "postgres", "registry", "gateway", "prometheus",
            "host-a", "host-b");
    /** Every Ferry service Prometheus scrapes (deploy/prometheus.yml): job and instance. */
    private static final Set<String> FERRY_TARGETS = Set.of("gateway gateway:8080", "registry registry:5000",
            "host-agents host-a:8081", "host-agents host-a:8082", "host-agents host-a:8083",
            "host-agents host-b:8081", "host-agents host-b:8082", "host-agents host-b:8083");
    private static final String IMAGE = "registry:5000/library/busybox:1";
    /** Counts each second, every line tagged with a random word drawn at its start: a restarted counter has another. */
    private static final String LOOPER = "t=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \\n'); i=0;"
            + " while true; do echo $t $i; i=$((i+1)); sleep 1; done";

    @TempDir
    static Path secrets;
    static Map<String, String> env;
    static DockerComposeContainer<?> compose;
    static String token;
    static int gatewayPort;
    static int prometheusPort;

    @BeforeAll
    static void up() throws Exception {
        run(List.of("bash", ROOT.resolve("scripts/compose-secrets.sh").toString(), secrets.toString()));
        env = readEnvFile(secrets.resolve("compose.env"));
        gatewayPort = freePort();
        prometheusPort = freePort();
        // published ports of our own, so a deployment already running on this machine does not collide
        env.put("FERRY_GATEWAY_PORT", String.valueOf(gatewayPort));
        env.put("FERRY_PROMETHEUS_PORT", String.valueOf(prometheusPort));
        env.put("FERRY_REGISTRY_PORT", String.valueOf(freePort()));
        env.put("FERRY_KAFKA_PORT", String.valueOf(freePort()));
        token = Files.readString(secrets.resolve("operator.token")).strip();

        // the constructor without an image name runs the local docker-compose binary (Testcontainers 2.0)
        compose = new DockerComposeContainer<>(ROOT.resolve("docker-compose.yml").toFile(),
                ROOT.resolve("deploy/compose.local.yml").toFile(), quickStart())
                .withEnv(env)
                .withPull(false)             // nothing can be pulled here; every image is local
                .withBuild(true)             // Ferry's images, FROM the local bases, with the jars just packaged
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(6));
        for (String service : SERVICES) {
            compose.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(6)));
        }
        Instant start = Instant.now();
        try {
            compose.start();
        } catch (RuntimeException e) {
            down();
            throw e;
        }
        System.out.println("compose up, every service healthy, in " + Duration.between(start, Instant.now()));
    }

    /** The test's override (src/test/resources/quick-start.yml): Ferry's JVMs start with C1 only. */
    private static File quickStart() throws Exception {
        return Path.of(ComposeMigrationTest.class.getResource("/quick-start.yml").toURI()).toFile();
    }

    @AfterAll
    static void down() {
        if (compose != null) {
            compose.stop(); // docker-compose down -v
            compose = null;
        }
    }

    @Test
    void aCountingContainerMovesFromHostAToHostBThroughTheGatewayAndCountsOn() throws Exception {
        ContainerState hostA = service("host-a");
        ContainerState hostB = service("host-b");
        // an image in the compose registry, pushed by the operator account (as scripts/demo.sh does it)
        exec(hostA, Map.of(), "sh", "-c", "r=/tmp/busybox/rootfs; mkdir -p $r/bin $r/proc $r/sys $r/dev $r/tmp $r/etc"
                + " && cp /bin/busybox $r/bin/ && for a in $(busybox --list); do [ $a = busybox ] || ln -sf busybox $r/bin/$a;"
                + " done && tar -C $r -cf /tmp/busybox.tar .");
        exec(hostA, Map.of(), "ferry", "image", "import", "/tmp/busybox.tar", IMAGE);
        Map<String, String> operator = Map.of("FERRY_REGISTRY_AUTH",
                "registry:5000=operator:" + Files.readString(secrets.resolve("registry-operator.password")).strip());
        exec(hostA, operator, "ferry", "--tls-verify=false", "push", IMAGE);
        exec(hostA, Map.of(), "ferry", "run", "-d", "--name", "looper", IMAGE, "sh", "-c", LOOPER);

        await("the gateway sees looper on host-a", Duration.ofSeconds(60),
                () -> get("/api/hosts/host-a/containers").body().contains("looper"));
        TimeUnit.SECONDS.sleep(3);
        List<Count> onA = counts(exec(hostA, Map.of(), "ferry", "logs", "looper"));
        assertThat(onA).as("looper's count on host-a").isNotEmpty();

        Instant started = Instant.now();
        HttpResponse<String> posted = send(HttpRequest.newBuilder(gateway("/api/migrations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"container\":\"looper\",\"sourceHost\":\"host-a\",\"targetHost\":\"host-b\"}")));
        assertThat(posted.statusCode()).as(posted.body()).isBetween(200, 202);
        String id = JSON.readTree(posted.body()).path("id").asString();
        JsonNode migration = awaitMigration(id, Duration.ofMinutes(3));
        assertThat(migration.path("state").asString()).as(migration.toString()).isEqualTo("COMPLETED");
        System.out.println("migration " + id + " completed in " + Duration.between(started, Instant.now())
                + ", downtime " + migration.path("downtimeMillis") + " ms");

        TimeUnit.SECONDS.sleep(3);
        List<Count> onB = counts(exec(hostB, Map.of(), "ferry", "logs", "looper"));
        assertContinues(onA, onB);
        assertThat(exec(hostA, Map.of(), "ferry", "ps", "-a", "-q")).as("host-a after the move").isBlank();

        // the dashboard answers the token
        HttpResponse<String> dashboard = get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);

        exec(hostB, Map.of(), "ferry", "rm", "-f", "looper");
    }

    @Test
    void prometheusScrapesEveryFerryService() throws Exception {
        AtomicReference<Set<String>> up = new AtomicReference<>(Set.of());
        await("Prometheus scrapes every Ferry service", Duration.ofSeconds(90), () -> {
            up.set(targetsUp());
            return up.get().containsAll(FERRY_TARGETS);
        });
        assertThat(up.get()).as("Prometheus targets up").containsAll(FERRY_TARGETS);
    }

    /**
     * No generated secret is in a container's environment (docker inspect's Config.Env, which anyone with the
     * Docker API reads): compose mounts each as a file. The secrets are those compose-secrets.sh made.
     */
    @Test
    void noSecretIsInAnyContainersEnvironment() throws Exception {
        List<String> values = new java.util.ArrayList<>();
        try (var files = Files.walk(secrets)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".password") || name.endsWith(".token") || name.endsWith(".secret")) {
                    values.add(Files.readString(f).strip());
                } else if (name.endsWith(".registry-auth.json")) {
                    values.add(JSON.readTree(Files.readString(f)).path("auths").path("registry:5000").path("auth").asString());
                }
            }
        }
        assertThat(values).as("the generated secrets").hasSizeGreaterThanOrEqualTo(12).allMatch(v -> v.length() >= 20);
        for (String name : SERVICES) {
            // what docker inspect shows (docker-java's inspect model here leaves Config.Env null)
            List<String> containerEnv = output(List.of("docker", "inspect", "--format", "{{join .Config.Env \"\\n\"}}",
                    service(name).getContainerId())).lines().toList();
            assertThat(containerEnv).as("the environment of " + name).isNotEmpty();
            for (String value : values) {
                assertThat(String.join("\n", containerEnv)).as("the environment of " + name).doesNotContain(value);
            }
        }
    }

    /** A line of the looper: the word its run drew and the number. */
    record Count(String run, long n) {
    }

    /**
     * The count on host-b is the same run as on host-a (a restart draws another word), holds the last number
     * host-a printed (the log moves with the container) and runs on from there one by one: no 0 again, no gap.
     */
    static void assertContinues(List<Count> onA, List<Count> onB) {
        Count lastOnA = onA.get(onA.size() - 1);
        assertThat(onB).as("looper's output on host-b").isNotEmpty().contains(lastOnA);
        for (int i = 0; i < onB.size(); i++) {
            assertThat(onB.get(i).run()).as("the run of line %d of %s on host-b", i, onB).isEqualTo(lastOnA.run());
            if (i > 0) {
                assertThat(onB.get(i).n()).as("number %d of %s on host-b", i, onB).isEqualTo(onB.get(i - 1).n() + 1);
            }
        }
        assertThat(onB.get(onB.size() - 1).n()).as("counting on after the move").isGreaterThan(lastOnA.n());
    }

    private static Set<String> targetsUp() throws IOException, InterruptedException {
        HttpResponse<String> targets = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/targets?state=active")).build(),
                HttpResponse.BodyHandlers.ofString());
        Set<String> up = new TreeSet<>();
        for (JsonNode t : JSON.readTree(targets.body()).path("data").path("activeTargets")) {
            if (t.path("health").asString().equals("up")) {
                up.add(t.path("labels").path("job").asString() + " " + t.path("labels").path("instance").asString());
            }
        }
        return up;
    }

    private static JsonNode awaitMigration(String id, Duration timeout) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await("migration " + id + " ends", timeout, () -> {
            last[0] = JSON.readTree(get("/api/migrations/" + id).body());
            return Set.of("COMPLETED", "FAILED", "ROLLED_BACK", "CANCELLED", "REJECTED").contains(last[0].path("state").asString());
        });
        return last[0];
    }

    private static ContainerState service(String name) {
        return compose.getContainerByServiceName(name + "_1").orElseThrow(() -> new AssertionError("no container for " + name));
    }

    private static String exec(ContainerState c, Map<String, String> envVars, String... command) throws Exception {
        ExecResult r = c.execInContainer(ExecConfig.builder().command(command).envVars(envVars).build());
        assertThat(r.getExitCode()).as(String.join(" ", command) + ": " + r.getStderr()).isZero();
        return r.getStdout();
    }

    private static List<Count> counts(String log) {
        return log.lines().map(String::strip).filter(l -> l.matches("[0-9a-f]{8} \\d+"))
                .map(l -> new Count(l.substring(0, 8), Long.parseLong(l.substring(9)))).toList();
    }

    private static URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + gatewayPort + path);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(gateway(path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Check {
        boolean done() throws Exception;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (check.done()) {
                return;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        throw new AssertionError("timed out after " + timeout + ": " + what);
    }

    private static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> vars = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        output(command);
    }

    /** What the command printed (stdout and stderr); it must succeed. */
    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
