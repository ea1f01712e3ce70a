package io.ferry.registry;

import io.ferry.core.oci.MediaTypes;
import io.ferry.registry.repository.RepositoryRepository;
import io.ferry.registry.storage.BlobFiles;
import io.ferry.registry.upload.UploadSessionRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request path that the router reads differently from the authorization (matrix parameters,
 * percent-encoding, dot segments, doubled or back slashes, case) is refused before anything else,
 * for every method; nothing is created, changed or read. Requests go over a raw socket so the
 * path reaches the server byte for byte.
 */
class PathConfusionTest extends RegistryServerTest {
    @Autowired
    RepositoryRepository repositories;
    @Autowired
    UploadSessionRepository sessions;
    @Autowired
    BlobFiles blobFiles;

    V2 v2;
    String repo;
    String other;
    String layer;
    String manifest;
    String upload;

    @BeforeEach
    void anImageAndAnOpenUpload() {
        v2 = new V2(port);
        String id = UUID.randomUUID().toString().substring(0, 8);
        repo = "test/p" + id;
        other = "test/o" + id;
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layerBytes = ("layer " + id).getBytes(StandardCharsets.UTF_8);
        String c = v2.pushBlob(repo, config);
        layer = v2.pushBlob(repo, layerBytes);
        manifest = manifest(c, config.length, layer, layerBytes.length);
        HttpResponse<String> put = v2.send(v2.authed("/v2/" + repo + "/manifests/v1", V2.push(repo))
                .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        upload = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo)).POST(HttpRequest.BodyPublishers.noBody()))
                .headers().firstValue("Docker-Upload-UUID").orElseThrow();
    }

    static String manifest(String config, int configSize, String layer, int layerSize) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]}";
    }

    /** A way of writing "/v2/NAME/REST" that some layer may read as that path. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                shape("matrix parameter on v2", (n, r) -> "/v2;x=y/" + n + r),
                shape("matrix parameter on the name", (n, r) -> "/v2/" + n + ";x=y" + r),
                shape("matrix parameter on blobs or manifests", (n, r) -> "/v2/" + n + r.replaceFirst("^/([a-z]+)", "/$1;x")),
                shape("trailing matrix parameter", (n, r) -> "/v2/" + n + r + ";"),
                shape("percent-encoded v", (n, r) -> "/%762/" + n + r),
                shape("percent-encoded v2, upper-case V", (n, r) -> "/%56%32/" + n + r),
                shape("percent-encoded letter in the name", (n, r) -> "/v2/%74" + n.substring(1) + r),
                shape("percent-encoded dot-dot, lower-case", (n, r) -> "/v2/%2e%2e/v2/" + n + r),
                shape("percent-encoded dot-dot, upper-case", (n, r) -> "/v2/%2E%2E/v2/" + n + r),
                shape("percent-encoded dot", (n, r) -> "/v2/%2e/" + n + r),
                shape("percent-encoded slash in the name, upper-case", (n, r) -> "/v2/" + n.replace("/", "%2F") + r),
                shape("percent-encoded slash in the name, lower-case", (n, r) -> "/v2/" + n.replace("/", "%2f") + r),
                shape("leading double slash", (n, r) -> "//v2/" + n + r),
                shape("inner double slash", (n, r) -> "/v2//" + n + r),
                shape("dot segment", (n, r) -> "/v2/./" + n + r),
                shape("dot-dot segment", (n, r) -> "/v2/x/../" + n + r),
                shape("backslash", (n, r) -> "/v2\\" + n + r),
                shape("upper-case V2", (n, r) -> "/V2/" + n + r),
                shape("trailing percent-encoded NUL", (n, r) -> "/v2/" + n + r + "%00"));
    }

    static Arguments shape(String label, BinaryOperator<String> path) {
        return Arguments.of(label, path);
    }

    record Op(String method, String name, String rest, String query, String contentType, byte[] body) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aNonCanonicalPathIsRefusedForEveryMethodAndChangesNothing(String label, BinaryOperator<String> shape) {
        byte[] payload = ("smuggled " + label).getBytes(StandardCharsets.UTF_8);
        String d = V2.digest(payload);
        long sessionsBefore = sessions.count();
        List<Op> ops = List.of(
                new Op("POST", repo, "/blobs/uploads/", "", null, null),
                new Op("POST", repo, "/blobs/uploads/", "?digest=" + d, "application/octet-stream", payload),
                new Op("PATCH", repo, "/blobs/uploads/" + upload, "", "application/octet-stream", payload),
                new Op("PUT", repo, "/blobs/uploads/" + upload, "?digest=" + d, "application/octet-stream", payload),
                new Op("PUT", repo, "/manifests/evil", "", MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8)),
                new Op("DELETE", repo, "/manifests/v1", "", null, null),
                new Op("DELETE", repo, "/blobs/" + layer, "", null, null),
                new Op("DELETE", repo, "/blobs/uploads/" + upload, "", null, null),
                new Op("GET", repo, "/manifests/v1", "", null, null),
                new Op("HEAD", repo, "/manifests/v1", "", null, null),
                new Op("GET", repo, "/blobs/" + layer, "", null, null),
                new Op("GET", repo, "/tags/list", "", null, null),
                new Op("POST", other, "/blobs/uploads/", "?mount=" + layer + "&from=" + repo, null, null));

        List<String> answered = new ArrayList<>();
        for (Op op : ops) {
            String target = shape.apply(op.name(), op.rest()) + op.query();
            RawHttp.Response r = RawHttp.send(port, op.method(), target,
                    op.contentType() == null ? Map.of() : Map.of("Content-Type", op.contentType()), op.body());
            answered.add(op.method() + " " + target + " -> " + r.status());
            assertThat(r.status()).as(op.method() + " " + target + ": " + r.body()).isIn(400, 401);
            assertThat(r.body()).as(op.method() + " " + target).doesNotContain("\"schemaVersion\"").doesNotContain("layer ");
        }

        // nothing was created, changed or removed
        assertThat(sessions.count()).as("upload sessions").isEqualTo(sessionsBefore);
        assertThat(blobFiles.exists(d)).as("smuggled blob").isFalse();
        assertThat(repositories.findByName(other)).as("repository created by a smuggled mount").isEmpty();
        assertThat(get("/v2/" + repo + "/manifests/evil").statusCode()).isEqualTo(404);
        assertThat(get("/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(get("/v2/" + repo + "/blobs/" + layer).statusCode()).isEqualTo(200);
        assertThat(get("/v2/" + repo + "/blobs/" + d).statusCode()).isEqualTo(404);
        HttpResponse<String> status = get("/v2/" + repo + "/blobs/uploads/" + upload);
        assertThat(status.statusCode()).as(answered.toString()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-0");
    }

    @Test
    void theRefusalIsAnOciErrorThatNamesTheProblem() {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2;x=y/" + repo + "/blobs/uploads/", Map.of(), null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(V2.json(r.body()).path("errors").path(0).path("code").asString()).isEqualTo("UNSUPPORTED");
        assertThat(V2.json(r.body()).path("errors").path(0).path("message").asString())
                .isEqualTo("the request path is not canonical: it holds a ';' parameter");
    }

    @Test
    void canonicalPathsAsSkopeoSendsThemStillWork() {
        String token = "Bearer " + v2.token("ferry", "secret", V2.push(repo));
        Map<String, String> auth = Map.of("Authorization", token);
        assertThat(RawHttp.send(port, "GET", "/v2/", auth, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/v2", auth, null).status()).isEqualTo(200);
        RawHttp.Response byTag = RawHttp.send(port, "GET", "/v2/" + repo + "/manifests/v1",
                Map.of("Authorization", token, "Accept", MediaTypes.OCI_MANIFEST), null);
        assertThat(byTag.status()).isEqualTo(200);
        String digest = byTag.header("Docker-Content-Digest");
        assertThat(RawHttp.send(port, "HEAD", "/v2/" + repo + "/manifests/" + digest, auth, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/v2/" + repo + "/blobs/" + layer, auth, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/v2/" + repo + "/tags/list?n=10", auth, null).body()).contains("\"v1\"");
        byte[] content = "finished".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response put = RawHttp.send(port, "PUT", "/v2/" + repo + "/blobs/uploads/" + upload + "?digest="
                + V2.digest(content), Map.of("Authorization", token, "Content-Type", "application/octet-stream"), content);
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        assertThat(blobFiles.exists(V2.digest(content))).isTrue();
    }

    private HttpResponse<String> get(String path) {
        return v2.send(v2.authed(path, V2.push(repo)).GET());
    }
}
