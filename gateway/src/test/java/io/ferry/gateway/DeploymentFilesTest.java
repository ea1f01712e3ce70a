package io.ferry.gateway;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.json.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.ferry.core.host.Host;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.TrustStore;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files: docker-compose.yml parsed by a real Compose implementation (Debian's
 * docker-compose; no Docker engine is needed or used: compose-test's ComposeMigrationTest runs the file), and
 * the Grafana dashboard asking only for metrics Ferry's services export. Tagged host: needs docker-compose from
 * scripts/test.sh.
 */
@Tag("host")
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");
    /** Metric families the services register (see MigrationMetrics, SourceCommands, TargetCommands, PullCoordinator). */
    private static final Set<String> EXPORTED = Set.of("ferry_migrations_started_total", "ferry_migrations_completed_total",
            "ferry_migrations_rolledback_total", "ferry_migrations_failed_total", "ferry_migrations_rejected_total",
            "ferry_migration_downtime_seconds_bucket", "ferry_migration_stage_duration_seconds_bucket",
            "ferry_migration_bytes_transferred_bytes_total", "ferry_checkpoint_uploaded_bytes_total",
            "ferry_images_pulled_bytes_total", "kafka_consumer_fetch_manager_records_lag_max",
            "ferry_checkpoint_duration_seconds_bucket", "ferry_restore_duration_seconds_bucket");

    /** What the compose file requires from the environment (it has no defaults for secrets; config does not read the files). */
    static final Map<String, String> REQUIRED_ENV = Map.ofEntries(
            Map.entry("FERRY_GATEWAY_TOKENS_FILE", "/etc/ferry/gateway-tokens"),
            Map.entry("FERRY_METRICS_TOKEN_FILE", "/etc/ferry/metrics-token"),
            Map.entry("FERRY_REGISTRY_USERS_FILE", "/etc/ferry/registry-users"),
            Map.entry("FERRY_REGISTRY_SECRET_FILE", "/etc/ferry/registry-token.secret"),
            Map.entry("FERRY_HOST_A_REGISTRY_AUTH_FILE", "/etc/ferry/a-registry-auth.json"),
            Map.entry("FERRY_HOST_B_REGISTRY_AUTH_FILE", "/etc/ferry/b-registry-auth.json"),
            Map.entry("FERRY_KAFKA_JAAS_FILE", "/etc/ferry/kafka-server.jaas"),
            Map.entry("FERRY_KAFKA_ADMIN_PASSWORD_FILE", "/etc/ferry/kafka-admin.password"),
            Map.entry("FERRY_KAFKA_SECRETS", "/nonexistent/kafka-secrets"),
            Map.entry("FERRY_POSTGRES_PASSWORD_FILE", "/etc/ferry/postgres.password"),
            Map.entry("FERRY_GRAFANA_ADMIN_PASSWORD_FILE", "/etc/ferry/grafana-admin.password"),
            Map.entry("FERRY_HOST_A_KEYS", "/etc/ferry/a-keys"),
            Map.entry("FERRY_HOST_B_KEYS", "/etc/ferry/b-keys"),
            Map.entry("FERRY_TRUST_STORE", "/etc/ferry/trusted-hosts"));

    /** Every required variable but {@code name}: the refusal must name the one missing. */
    static Map<String, String> without(Map<String, String> env, String name) {
        Map<String, String> rest = new java.util.HashMap<>(env);
        rest.remove(name);
        return rest;
    }

    @Test
    void composeRefusesToRunWithoutTheRegistryAccounts() {
        CommandResult config = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config", "-q"), without(REQUIRED_ENV, "FERRY_REGISTRY_USERS_FILE"),
                Duration.ofMinutes(1));
        assertThat(config.exitCode()).isNotZero();
        assertThat(config.stderr()).contains("set FERRY_REGISTRY_USERS_FILE to a registry users file");
    }

    @Test
    void composeFileIsValidAndHasEveryService() {
        CommandResult config = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config"), REQUIRED_ENV, Duration.ofMinutes(1));
        assertThat(config.exitCode()).as(config.stderr()).isZero();
        assertThat(config.stdout()).contains("kafka:", "postgres:", "registry:", "gateway:", "prometheus:", "grafana:",
                "host-a:", "host-b:", "SYS_ADMIN", "seccomp=unconfined", "healthcheck:", "condition: service_healthy");
        CommandResult services = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config", "--services"), REQUIRED_ENV, Duration.ofMinutes(1));
        assertThat(services.stdout().lines().toList()).containsExactlyInAnyOrder("kafka", "postgres", "registry", "gateway",
                "prometheus", "grafana", "host-a", "host-b");
    }

    @Test
    void composeRefusesToStartTheGatewayWithoutItsTokensFile() {
        CommandResult config = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config", "-q"), without(REQUIRED_ENV, "FERRY_GATEWAY_TOKENS_FILE"), Duration.ofMinutes(1));
        assertThat(config.exitCode()).isNotZero();
        assertThat(config.stderr()).contains("set FERRY_GATEWAY_TOKENS_FILE to the gateway's tokens file");
    }

    /** The script a user runs before compose makes everything compose requires, and nothing compose ships with. */
    @Test
    void composeSecretsMakesEveryCredentialAndHostKeysTheEngineReads(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("secrets");
        CommandResult made = Commands.run(List.of("bash", ROOT.resolve("scripts/compose-secrets.sh").toString(), out.toString()),
                Map.of("FERRY_REGISTRY_JAR", System.getProperty("ferry.registry.jar")), Duration.ofMinutes(2));
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        CommandResult config = Commands.run(List.of("docker-compose", "--env-file", out.resolve("compose.env").toString(),
                "-f", ROOT.resolve("docker-compose.yml").toString(), "config", "-q"), Duration.ofMinutes(1));
        assertThat(config.exitCode()).as(config.stderr()).isZero();

        // the keys made with openssl are what the engine reads, and the trust store names both hosts' lines
        TrustStore trust = new TrustStore(out.resolve("trusted-hosts"));
        for (String h : List.of("host-a", "host-b")) {
            HostIdentity id = HostKeys.loadOrCreate(new Host(h, out.resolve(h))).identity();
            assertThat(trust.of(h)).containsExactly(id);
        }
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        // readable by the group of a container's user that is not root: Prometheus (nobody), Kafka (appuser),
        // Grafana (group root); every other file is its owner's only
        Map<String, Integer> groupReadable = Map.of("prometheus.token", 65534, "kafka-server.jaas", 1000,
                "grafana-admin.password", 0);
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                Integer group = groupReadable.get(f.getFileName().toString());
                String expected = f.endsWith("trusted-hosts") ? "rw-r--r--" : group != null ? "rw-r-----" : "rw-------";
                assertThat(mode).as(f.toString()).isEqualTo(expected);
                if (group != null) {
                    assertThat(Files.getAttribute(f, "unix:gid")).as("the group of " + f).isEqualTo(group);
                }
            }
        }
        for (String line : Files.readAllLines(out.resolve("compose.env"))) {
            String value = line.substring(line.indexOf('=') + 1);
            assertThat(compose).as("a generated value in the compose file").doesNotContain(value);
            assertThat(Path.of(value)).as("compose.env names files, no values: " + line).exists();
        }
    }

    /**
     * No generated secret is in any service's environment (docker inspect shows a container's environment to
     * anyone with the Docker API): each reaches its container as a file. The secrets are the values of the
     * files compose-secrets.sh made (passwords, tokens, keys) and the credentials in the hosts' auth files.
     */
    @Test
    @SuppressWarnings("unchecked")
    void noGeneratedSecretIsInAnyServicesEnvironment(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("secrets");
        CommandResult made = Commands.run(List.of("bash", ROOT.resolve("scripts/compose-secrets.sh").toString(), out.toString()),
                Map.of("FERRY_REGISTRY_JAR", System.getProperty("ferry.registry.jar")), Duration.ofMinutes(2));
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        List<String> secrets = new ArrayList<>();
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".password") || name.endsWith(".token") || name.endsWith(".secret")) {
                    secrets.add(Files.readString(f).strip());
                } else if (name.endsWith(".registry-auth.json")) {
                    String auth = Json.MAPPER.readTree(Files.readString(f)).path("auths").path("registry:5000").path("auth").asString();
                    secrets.add(auth);
                    secrets.add(new String(java.util.Base64.getDecoder().decode(auth)).split(":", 2)[1]);
                }
            }
        }
        assertThat(secrets).as("the generated secrets").hasSizeGreaterThanOrEqualTo(12).allMatch(v -> v.length() >= 20);

        for (List<String> files : List.of(List.of("docker-compose.yml"), List.of("docker-compose.yml", "deploy/compose.local.yml"))) {
            List<String> command = new ArrayList<>(List.of("docker-compose", "--env-file", out.resolve("compose.env").toString()));
            files.forEach(f -> command.addAll(List.of("-f", ROOT.resolve(f).toString())));
            command.add("config");
            CommandResult config = Commands.run(command, Duration.ofMinutes(1));
            assertThat(config.exitCode()).as(config.stderr()).isZero();
            Map<String, Object> services = (Map<String, Object>) new org.yaml.snakeyaml.Yaml()
                    .<Map<String, Object>>load(config.stdout()).get("services");
            assertThat(services).containsKeys("kafka", "postgres", "registry", "gateway", "grafana", "host-a", "host-b");
            for (Map.Entry<String, Object> service : services.entrySet()) {
                Object environment = ((Map<String, Object>) service.getValue()).get("environment");
                String env = environment == null ? "" : environment.toString();
                for (String secret : secrets) {
                    assertThat(env).as("the environment of " + service.getKey() + " (" + files + ")").doesNotContain(secret);
                }
            }
            for (String secret : secrets) {
                assertThat(config.stdout()).as("docker-compose config of " + files).doesNotContain(secret);
            }
        }
    }

    @Test
    void composeHasNoDefaultPasswords() {
        for (String secret : List.of("FERRY_POSTGRES_PASSWORD_FILE", "FERRY_GRAFANA_ADMIN_PASSWORD_FILE", "FERRY_HOST_A_KEYS",
                "FERRY_TRUST_STORE", "FERRY_HOST_A_REGISTRY_AUTH_FILE", "FERRY_HOST_B_REGISTRY_AUTH_FILE",
                "FERRY_REGISTRY_SECRET_FILE")) {
            CommandResult config = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                    "config", "-q"), without(REQUIRED_ENV, secret), Duration.ofMinutes(1));
            assertThat(config.exitCode()).as(secret).isNotZero();
            assertThat(config.stderr()).contains("set " + secret);
        }
    }

    @Test
    void composeRefusesToRunWithoutKafkaCredentials() {
        for (String secret : List.of("FERRY_KAFKA_JAAS_FILE", "FERRY_KAFKA_ADMIN_PASSWORD_FILE", "FERRY_KAFKA_SECRETS")) {
            CommandResult config = Commands.run(List.of("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                    "config", "-q"), without(REQUIRED_ENV, secret), Duration.ofMinutes(1));
            assertThat(config.exitCode()).as(secret).isNotZero();
            assertThat(config.stderr()).contains("set " + secret);
        }
    }

    @Test
    void aBrokenComposeFileIsRejected() throws IOException {
        Path broken = Files.createTempFile("compose", ".yml");
        try {
            Files.writeString(broken, "version: \"3.8\"\nservices:\n  x:\n    image: a\n    ports: 8080\n");
            assertThat(Commands.run(List.of("docker-compose", "-f", broken.toString(), "config", "-q"), Duration.ofMinutes(1))
                    .exitCode()).isNotZero();
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    void theGrafanaDashboardUsesTheProvisionedDatasourceAndExportedMetrics() throws IOException {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(ROOT.resolve("deploy/grafana/dashboards/ferry.json")));
        String datasources = Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
        List<String> unknown = new ArrayList<>();
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(6);
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(datasources).contains("uid: " + panel.path("datasource").path("uid").asString());
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString();
                if (EXPORTED.stream().noneMatch(expr::contains)) {
                    unknown.add(expr);
                }
            }
        }
        assertThat(unknown).as("expressions naming no metric Ferry exports").isEmpty();
        assertThat(Files.readString(ROOT.resolve("deploy/prometheus.yml"))).contains("/actuator/prometheus");
    }
}
