package io.ferry.registry;

import io.ferry.core.oci.MediaTypes;
import io.ferry.core.testing.LocalImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry on a PostgreSQL in a Docker container (the local ferry-local/postgres:15 standing in for
 * the official image), over a real connection with a password, the schema made there by Flyway: an
 * authenticated push and pull of a blob and a manifest, and what the registry stored, read back with
 * plain JDBC from that database. The other tests use the embedded PostgreSQL.
 */
@Tag("docker")
@Testcontainers
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "ferry.registry.gc.interval=1h")
class RegistryOnPostgresContainerTest {
    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer(LocalImages.postgres())
            .withDatabaseName("registry").withUsername("ferry").withPassword(UUID.randomUUID().toString());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", POSTGRES::getJdbcUrl);
        registry.add("spring.datasource.username", POSTGRES::getUsername);
        registry.add("spring.datasource.password", POSTGRES::getPassword);
        registry.add("ferry.registry.data-dir", RegistryServerTest.tempDir()::toString);
        TestUsers.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void anAuthenticatedPushIsPulledBackAndStoredInThatPostgres() throws Exception {
        V2 v2 = new V2(port);
        String repo = "library/app-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);

        String configDigest = v2.pushBlob(repo, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[]}";
        HttpResponse<String> put = v2.send(v2.authed("/v2/" + repo + "/manifests/1.0", V2.push(repo))
                .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        String manifestDigest = V2.digest(manifest.getBytes(StandardCharsets.UTF_8));
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(manifestDigest);

        HttpResponse<byte[]> blob = v2.sendBytes(v2.authed("/v2/" + repo + "/blobs/" + configDigest, V2.pull(repo)).GET());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(V2.digest(blob.body())).isEqualTo(configDigest);
        HttpResponse<byte[]> pulled = v2.sendBytes(v2.authed("/v2/" + repo + "/manifests/1.0", V2.pull(repo))
                .header("Accept", MediaTypes.OCI_MANIFEST).GET());
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(V2.digest(pulled.body())).isEqualTo(manifestDigest);
        assertThat(pulled.headers().firstValue("Docker-Content-Digest")).hasValue(manifestDigest);

        HttpResponse<String> anonymous = v2.send(v2.request("/v2/" + repo + "/manifests/1.0").GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer "));

        try (Connection db = DriverManager.getConnection(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword())) {
            assertThat(rows(db, "select t.manifest_digest, m.media_type, m.content from tag t"
                    + " join repository r on r.id = t.repository_id"
                    + " join manifest m on m.repository_id = r.id and m.digest = t.manifest_digest"
                    + " where r.name = ? and t.name = '1.0'", repo))
                    .containsExactly(List.of(manifestDigest, MediaTypes.OCI_MANIFEST, manifest));
            assertThat(rows(db, "select digest, size from blob where digest = ?", configDigest))
                    .containsExactly(List.of(configDigest, String.valueOf(config.length)));
            assertThat(rows(db, "select version from flyway_schema_history where success and version is not null"
                    + " order by installed_rank"))
                    .extracting(r -> r.get(0)).containsExactly("1", "2");
        }
    }

    /** Each row of {@code sql} as strings; bytea columns decoded as UTF-8. */
    private static List<List<String>> rows(Connection db, String sql, String... parameters) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> row = new ArrayList<>();
                    for (int c = 1; c <= r.getMetaData().getColumnCount(); c++) {
                        row.add(r.getMetaData().getColumnType(c) == java.sql.Types.BINARY
                                ? new String(r.getBytes(c), StandardCharsets.UTF_8) : r.getString(c));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
