package io.ferry.registry;

import io.ferry.core.oci.MediaTypes;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access rules Ferry ships (deploy/registry/access.yml) on a real registry: an operator pushes
 * images, hosts pull them; a host pushes checkpoints only to its own repository
 * (ferry/migrations/<host>) and pulls other hosts' to restore them; a token grants only what the
 * rules allow of what was asked; and what the rules do not allow is DENIED (403), not challenged again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.import=file:../deploy/registry/access.yml", "ferry.registry.gc.interval=1h"})
class RegistryAccessTest {
    static final Path DATA = RegistryServerTest.tempDir();

    @DynamicPropertySource
    static void users(DynamicPropertyRegistry registry) {
        registry.add("ferry.registry.data-dir", DATA::toString);
        registry.add("ferry.registry.auth.users.operator", () -> TestUsers.hash("operator-pw"));
        registry.add("ferry.registry.auth.users.ferry-host-demo-a", () -> TestUsers.hash("a-pw"));
        registry.add("ferry.registry.auth.users.ferry-host-demo-b", () -> TestUsers.hash("b-pw"));
    }

    @LocalServerPort
    int port;

    V2 operator() {
        return new V2(port, "operator", "operator-pw");
    }

    V2 hostA() {
        return new V2(port, "ferry-host-demo-a", "a-pw");
    }

    V2 hostB() {
        return new V2(port, "ferry-host-demo-b", "b-pw");
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Pushes a config blob and a manifest naming it under {@code tag}; returns the PUT's response. */
    static HttpResponse<String> pushArtifact(V2 client, String repo, String tag, String content) {
        byte[] config = content.getBytes(StandardCharsets.UTF_8);
        String c = client.pushBlob(repo, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + c + "\",\"size\":" + config.length + "},\"layers\":[]}";
        return putManifest(client, repo, tag, manifest);
    }

    static HttpResponse<String> putManifest(V2 client, String repo, String tag, String manifest) {
        return client.send(client.authed("/v2/" + repo + "/manifests/" + tag, V2.push(repo))
                .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)));
    }

    @Test
    void theOperatorPushesImagesAndHostsPullThem() {
        String repo = unique("library/app");
        assertThat(pushArtifact(operator(), repo, "1", "{\"image\":1}").statusCode()).isEqualTo(201);
        for (V2 host : new V2[]{hostA(), hostB()}) {
            assertThat(host.send(host.authed("/v2/" + repo + "/manifests/1", V2.pull(repo)).GET()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHostPushingAnImageIsDenied() {
        String repo = unique("library/app");
        V2 a = hostA();
        HttpResponse<String> r = a.send(a.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(V2.errorCode(r)).isEqualTo("DENIED");
        assertThat(V2.json(r.body()).path("errors").path(0).path("message").asString())
                .isEqualTo("user \"ferry-host-demo-a\" may not repository:" + repo + ":push: no rule in ferry.registry.auth.access allows it");
    }

    @Test
    void aTokenGrantsOnlyWhatTheRulesAllowOfWhatWasAsked() {
        String token = hostA().token("ferry-host-demo-a", "a-pw", "repository:ferry/migrations/demo-a:pull,push,delete"
                + " repository:ferry/migrations/demo-b:pull,push repository:secrets/db:pull repository:library/busybox:push");
        List<String> granted = new ArrayList<>();
        V2.json(TokenEndpointTest.accessOf(token)).forEach(a -> granted.add(a.path("type").asString() + ":"
                + a.path("name").asString() + ":" + a.path("actions").toString()));
        assertThat(granted).containsExactly("repository:ferry/migrations/demo-a:[\"pull\",\"push\"]",
                "repository:ferry/migrations/demo-b:[\"pull\"]");
    }

    @Test
    void hostBCannotOverwriteHostAsCheckpointButMayRestoreIt() {
        String tag = unique("m-");
        String repoA = "ferry/migrations/demo-a";
        HttpResponse<String> pushed = pushArtifact(hostA(), repoA, tag, "{\"checkpoint\":\"of A\"}");
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        String digest = pushed.headers().firstValue("Docker-Content-Digest").orElseThrow();

        V2 b = hostB();
        HttpResponse<String> blob = b.send(b.authed("/v2/" + repoA + "/blobs/uploads/", V2.push(repoA))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(blob.statusCode()).as(blob.body()).isEqualTo(403);
        HttpResponse<String> overwrite = putManifest(b, repoA, tag, "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\"sha256:" + "0".repeat(64) + "\",\"size\":2},\"layers\":[]}");
        assertThat(overwrite.statusCode()).as(overwrite.body()).isEqualTo(403);
        assertThat(V2.errorCode(overwrite)).isEqualTo("DENIED");
        HttpResponse<String> delete = b.send(b.authed("/v2/" + repoA + "/manifests/" + digest, V2.push(repoA)).DELETE());
        assertThat(delete.statusCode()).isEqualTo(403);

        HttpResponse<String> restore = b.send(b.authed("/v2/" + repoA + "/manifests/" + tag, V2.pull(repoA))
                .header("Accept", MediaTypes.OCI_MANIFEST).GET());
        assertThat(restore.statusCode()).isEqualTo(200);
        assertThat(restore.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(pushArtifact(b, "ferry/migrations/demo-b", tag, "{\"checkpoint\":\"of B\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aWrongPasswordAndAnonymousRequestsGetNoToken() {
        HttpResponse<String> wrong = hostA().send(hostA().request("/token?service=ferry-registry&scope=repository:library/x:pull")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("ferry-host-demo-a:b-pw".getBytes()))
                .GET());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> anonymous = hostA().send(hostA().request("/token?service=ferry-registry&scope=repository:library/x:pull").GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(V2.json(anonymous.body()).path("errors").path(0).path("message").asString()).isEqualTo("credentials required");
    }
}
