package io.ferry.registry;

import io.ferry.core.os.FileTrees;
import io.ferry.registry.auth.UserLines;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When registry-service refuses to start, and that it says why: no users and no anonymous rule, a
 * plain password, and a second instance on the same PostgreSQL whose token key is not the configured
 * one of the first. Instances share one real PostgreSQL (embedded) as they would in production.
 */
class RegistryStartTest {
    static EmbeddedPostgres postgres;
    static final String SECRET = "a-shared-secret-of-at-least-32-random-bytes";
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stop() throws SQLException {
        started.forEach(ConfigurableApplicationContext::close);
        dirs.forEach(FileTrees::deleteRecursively);
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("delete from registry_instance"); // rows a test left behind on purpose
        } catch (SQLException noTableYet) {
            // no instance started in this test
        }
    }

    ConfigurableApplicationContext start(String... extra) {
        Path data = RegistryServerTest.tempDir();
        dirs.add(data);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--ferry.registry.data-dir=" + data,
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres", "--ferry.registry.gc.interval=1h"));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RegistryApplication.class).run(args.toArray(String[]::new));
        started.add(context);
        return context;
    }

    static String[] withTestUser(String... extra) {
        List<String> args = new ArrayList<>(TestUsers.arguments());
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static V2 client(ConfigurableApplicationContext context) {
        return new V2(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void withoutUsersOrAnAnonymousRuleItRefusesToStart() {
        assertThatThrownBy(() -> start()).satisfies(e -> assertThat(root(e).getMessage()).startsWith(
                "registry-service has no users and no rule for \"anonymous\": nobody could use it."
                        + " Set ferry.registry.auth.users-file (FERRY_REGISTRY_AUTH_USERS_FILE)"));
    }

    @Test
    void aPlainPasswordIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> start("--ferry.registry.auth.users.ferry=ferry")).satisfies(e -> assertThat(root(e).getMessage())
                .isEqualTo("ferry.registry.auth.users.ferry: the password of \"ferry\" is not stored as a {bcrypt} or {pbkdf2}"
                        + " hash; plain passwords are refused. Make the line with scripts/registry-user.sh"));
        assertThatThrownBy(() -> start("--ferry.registry.auth.users.ferry={noop}hunter2")).satisfies(e ->
                assertThat(root(e).getMessage()).contains("plain passwords are refused").doesNotContain("hunter2"));
    }

    @Test
    void aUsersFileLineMadeByHashUsersLogsIn() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = UserLines.run(new ByteArrayInputStream("alice:correct horse\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).isZero();
        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(line).startsWith("alice:{bcrypt}$2a$10$").doesNotContain("correct horse");
        Path dir = RegistryServerTest.tempDir();
        dirs.add(dir);
        Path users = Files.writeString(dir.resolve("users"), "# registry users\n" + line + "\n");
        V2 v2 = client(start("--ferry.registry.auth.users-file=" + users, "--ferry.registry.auth.access[0].principals=alice",
                "--ferry.registry.auth.access[0].repositories=alice/**", "--ferry.registry.auth.access[0].actions=pull,push"));
        assertThat(TokenEndpointTest.accessOf(v2.token("alice", "correct horse", V2.push("alice/app")))).contains("alice/app");
        assertThatThrownBy(() -> v2.token("alice", "wrong", V2.push("alice/app"))).hasMessageContaining("401");
    }

    @Test
    void aSecondInstanceWithoutTheSecretRefusesToStart() {
        start(withTestUser());
        assertThatThrownBy(() -> start(withTestUser())).satisfies(e -> assertThat(root(e).getMessage())
                .startsWith("another registry-service instance (")
                .contains("shares this database, and this one has no ferry.registry.auth.secret")
                .endsWith("Set ferry.registry.auth.secret (FERRY_REGISTRY_AUTH_SECRET) to the same 32+ random bytes on every instance"));
    }

    @Test
    void aSecondInstanceWithASecretRefusesWhileTheFirstRunsWithARandomKey() {
        start(withTestUser());
        assertThatThrownBy(() -> start(withTestUser("--ferry.registry.auth.secret=" + SECRET))).satisfies(e ->
                assertThat(root(e).getMessage()).contains("signs tokens with a random key of its own"));
    }

    @Test
    void aSecondInstanceWithAnotherSecretRefusesToStart() {
        start(withTestUser("--ferry.registry.auth.secret=" + SECRET));
        assertThatThrownBy(() -> start(withTestUser("--ferry.registry.auth.secret=" + SECRET.replace('a', 'b'))))
                .satisfies(e -> assertThat(root(e).getMessage()).contains("with a different ferry.registry.auth.secret")
                        .doesNotContain(SECRET).doesNotContain(SECRET.replace('a', 'b')));
    }

    @Test
    void twoInstancesWithTheSameSecretAcceptEachOthersTokens() {
        V2 one = client(start(withTestUser("--ferry.registry.auth.secret=" + SECRET)));
        V2 two = client(start(withTestUser("--ferry.registry.auth.secret=" + SECRET)));
        String repo = "shared/app";
        String token = one.token(TestUsers.USER, TestUsers.PASSWORD, V2.push(repo));
        assertThat(two.send(two.request("/v2/" + repo + "/blobs/uploads/").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(202);
    }

    @Test
    void anInstanceThatStoppedDoesNotHoldTheNextOneBack() {
        start(withTestUser()).close();
        start(withTestUser());
    }

    /** A row as an instance leaves it when it is killed before removing it. */
    static void leaveRow(String id, String hostname, long pid) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement insert = c.prepareStatement(
                "insert into registry_instance (id, key_fingerprint, secret_configured, started_at, heartbeat_at, hostname,"
                        + " pid, process_started_at) values (?, 'f', false, now(), now(), ?, ?, now() - interval '1 hour')")) {
            insert.setString(1, id);
            insert.setString(2, hostname);
            insert.setLong(3, pid);
            insert.executeUpdate();
        }
    }

    @Test
    void aKilledRunOnThisMachineDoesNotHoldTheRestartBackButAnotherMachinesInstanceDoes() throws Exception {
        start(withTestUser()).close(); // the schema
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        leaveRow("killed-run-of-this-machine", hostname, gone.pid());
        leaveRow("killed-run-with-this-pid", hostname, ProcessHandle.current().pid());
        start(withTestUser()).close();

        leaveRow("live-elsewhere", "another-machine", gone.pid());
        assertThatThrownBy(() -> start(withTestUser())).satisfies(e -> assertThat(root(e).getMessage())
                .startsWith("another registry-service instance (live-elsewhere, started "));
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> start(withTestUser("--ferry.registry.auth.secret=short"))).satisfies(e ->
                assertThat(root(e).getMessage()).startsWith("ferry.registry.auth.secret (FERRY_REGISTRY_AUTH_SECRET) has 5 bytes;"
                        + " it needs at least 32"));
    }
}
