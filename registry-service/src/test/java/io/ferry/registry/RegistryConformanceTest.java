package io.ferry.registry;

import io.ferry.core.oci.MediaTypes;
import io.ferry.registry.gc.GarbageCollector;
import io.ferry.registry.storage.BlobFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the OCI Distribution API over real HTTP against a real PostgreSQL (embedded),
 * with the spec's status codes, headers and error codes, including the error cases and auth.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.registry.limits.max-manifest-size=64KB",
        "ferry.registry.gc.interval=1h"})
class RegistryConformanceTest {
    // its own data directory: its garbage collection test deletes blob files its own database finds unreferenced
    static final Path DATA = RegistryServerTest.tempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestUsers.register(registry);
        registry.add("ferry.registry.data-dir", DATA::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    GarbageCollector gc;
    @Autowired
    BlobFiles blobFiles;

    V2 v2;
    String repo;

    @BeforeEach
    void client() {
        v2 = new V2(port);
        repo = "test/r" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** An image manifest over a config and one layer already pushed to the repository. */
    String imageManifest(String configDigest, int configSize, String layerDigest, int layerSize, String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + configSize
                + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layerSize + "}]" + extra + "}";
    }

    HttpResponse<String> putManifest(String ref, String body) {
        return v2.send(v2.authed("/v2/" + repo + "/manifests/" + ref, V2.push(repo))
                .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Pushes config + layer + manifest under {@code tag}; returns the manifest's digest. */
    String pushImage(String tag, byte[] layer) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"tag\":\""
                + tag + "\"}").getBytes(StandardCharsets.UTF_8);
        String c = v2.pushBlob(repo, config);
        String l = v2.pushBlob(repo, layer);
        HttpResponse<String> r = putManifest(tag, imageManifest(c, config.length, l, layer.length, ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    @Nested
    class Authentication {
        @Test
        void baseWithoutTokenIsChallenged() {
            HttpResponse<String> r = v2.send(v2.request("/v2/").GET());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .isEqualTo("Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"ferry-registry\"");
            assertThat(V2.errorCode(r)).isEqualTo("UNAUTHORIZED");
            assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        }

        @Test
        void baseWithTokenAnswers() {
            HttpResponse<String> r = v2.send(v2.authed("/v2/", V2.pull(repo)).GET());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(V2.json(r.body()).isObject() && V2.json(r.body()).isEmpty()).as(r.body()).isTrue();
        }

        @Test
        void repositoryRequestsNameTheirScopeInTheChallenge() {
            HttpResponse<String> r = v2.send(v2.request("/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .endsWith(",scope=\"repository:" + repo + ":push\"");
        }

        @Test
        void wrongPasswordsGetNoToken() {
            HttpResponse<String> r = v2.send(v2.request("/token?service=ferry-registry&scope=" + V2.pull(repo))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("ferry:wrong".getBytes()))
                    .GET());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(V2.errorCode(r)).isEqualTo("UNAUTHORIZED");
            HttpResponse<String> anonymous = v2.send(v2.request("/token?service=ferry-registry&scope=" + V2.pull(repo)).GET());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }

        @Test
        void aPullTokenCannotPush() {
            HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.pull(repo))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("the token does not grant repository:" + repo + ":push");
        }

        @Test
        void aTokenForAnotherRepositoryDoesNotCount() {
            v2.pushBlob(repo, random(10));
            HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/tags/list", V2.pull("other/repo")).GET());
            assertThat(r.statusCode()).isEqualTo(401);
        }

        @Test
        void forgedTokensAreRefused() {
            String token = v2.token("ferry", "secret", V2.pull(repo));
            String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
            HttpResponse<String> r = v2.send(v2.request("/v2/").header("Authorization", "Bearer " + forged).GET());
            assertThat(r.statusCode()).isEqualTo(401);
        }
    }

    @Nested
    class Blobs {
        @Test
        void monolithicUploadThenHeadGetAndRange() {
            byte[] content = random(1000);
            String d = v2.pushBlob(repo, content);

            HttpResponse<String> head = v2.send(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).hasValue("1000");
            assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(d);

            HttpResponse<byte[]> get = v2.sendBytes(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo)).GET());
            assertThat(get.body()).isEqualTo(content);

            HttpResponse<byte[]> range = v2.sendBytes(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo))
                    .header("Range", "bytes=100-199").GET());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 100-199/1000");
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
        }

        @Test
        void theSameNewBlobPushedConcurrentlyToManyRepositoriesLandsInEach() throws Exception {
            byte[] content = random(200_000);
            List<String> repos = IntStream.range(0, 8).mapToObj(i -> repo + "-" + i).toList();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(repos.size());
            try {
                List<Future<String>> pushes = repos.stream().map(r -> pool.submit(() -> {
                    start.await();
                    return v2.pushBlob(r, content);
                })).toList();
                start.countDown();
                for (Future<String> push : pushes) {
                    assertThat(push.get()).isEqualTo(V2.digest(content)); // each push answered 201
                }
            } finally {
                pool.shutdownNow();
            }
            for (String r : repos) {
                HttpResponse<byte[]> get = v2.sendBytes(v2.authed("/v2/" + r + "/blobs/" + V2.digest(content), V2.pull(r)).GET());
                assertThat(get.statusCode()).isEqualTo(200);
                assertThat(get.body()).isEqualTo(content);
            }
        }

        @Test
        void chunkedUploadInOrderThenStatusThenPut() {
            byte[] content = random(3000);
            HttpResponse<String> start = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(start.statusCode()).isEqualTo(202);
            String location = start.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith("/v2/" + repo + "/blobs/uploads/");
            assertThat(start.headers().firstValue("Docker-Upload-UUID")).isPresent();

            HttpResponse<String> first = patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999");
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(first.headers().firstValue("Range")).hasValue("0-999");

            HttpResponse<String> outOfOrder = patch(location, Arrays.copyOfRange(content, 1500, 2000), "1500-1999");
            assertThat(outOfOrder.statusCode()).isEqualTo(416);
            assertThat(V2.errorCode(outOfOrder)).isEqualTo("BLOB_UPLOAD_INVALID");

            HttpResponse<String> status = v2.send(v2.authed(location, V2.push(repo)).GET());
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(status.headers().firstValue("Range")).hasValue("0-999");

            assertThat(patch(location, Arrays.copyOfRange(content, 1000, 2000), "1000-1999").statusCode()).isEqualTo(202);
            HttpResponse<String> put = v2.send(v2.authed(location + "?digest=" + V2.digest(content), V2.push(repo))
                    .header("Content-Range", "2000-2999")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 2000, 3000))));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            assertThat(put.headers().firstValue("Location")).hasValue("/v2/" + repo + "/blobs/" + V2.digest(content));
            assertThat(v2.sendBytes(v2.authed("/v2/" + repo + "/blobs/" + V2.digest(content), V2.pull(repo)).GET()).body())
                    .isEqualTo(content);
            assertThat(v2.send(v2.authed(location, V2.push(repo)).GET()).statusCode()).as("session closed").isEqualTo(404);
        }

        @Test
        void streamedPatchWithoutContentRangeAsContainersImageSendsIt() {
            byte[] content = random(5000);
            String location = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
            HttpResponse<String> p = v2.send(v2.authed(location, V2.push(repo))
                    .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(content))));
            assertThat(p.statusCode()).isEqualTo(202);
            assertThat(p.headers().firstValue("Range")).hasValue("0-4999");
            HttpResponse<String> put = v2.send(v2.authed(location + "?digest=" + V2.digest(content), V2.push(repo))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(put.statusCode()).isEqualTo(201);
        }

        @Test
        void aWrongDigestStoresNothing() {
            byte[] content = random(100);
            String wrong = V2.digest("other".getBytes());
            HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/?digest=" + wrong, V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("DIGEST_INVALID");
            for (String d : new String[]{wrong, V2.digest(content)}) {
                assertThat(v2.send(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo)).GET()).statusCode()).isEqualTo(404);
                assertThat(blobFiles.exists(d)).isFalse();
            }
        }

        @Test
        void malformedDigestsAreRefused() {
            HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/?digest=sha256:xyz", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("DIGEST_INVALID");
        }

        @Test
        void aTruncatedUploadStoresNothing() throws IOException {
            byte[] content = random(2000);
            String d = V2.digest(content);
            String token = v2.token("ferry", "secret", V2.push(repo));
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v2/" + repo + "/blobs/uploads/?digest=" + d + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + token + "\r\nContent-Length: 2000\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(content, 0, 700); // then the client goes away
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                in.readAllBytes();
            }
            assertThat(v2.send(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo)).GET()).statusCode()).isEqualTo(404);
            assertThat(blobFiles.exists(d)).isFalse();
        }

        @Test
        void chunksThatArriveShortAreNotKept() {
            String location = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
            HttpResponse<String> r = patch(location, random(10), "0-99");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("SIZE_INVALID");
            assertThat(v2.send(v2.authed(location, V2.push(repo)).GET()).headers().firstValue("Range")).hasValue("0-0");
        }

        @Test
        void crossRepositoryMount() {
            String d = v2.pushBlob(repo, random(300));
            String other = repo + "-copy";
            HttpResponse<String> r = v2.send(v2.request("/v2/" + other + "/blobs/uploads/?mount=" + d + "&from=" + repo)
                    .header("Authorization", "Bearer " + v2.token("ferry", "secret", V2.push(other) + " " + V2.pull(repo)))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.headers().firstValue("Location")).hasValue("/v2/" + other + "/blobs/" + d);
            assertThat(v2.send(v2.authed("/v2/" + other + "/blobs/" + d, V2.pull(other)).GET()).statusCode()).isEqualTo(200);

            HttpResponse<String> notThere = v2.send(v2.request("/v2/" + other + "/blobs/uploads/?mount="
                            + V2.digest("none".getBytes()) + "&from=" + repo)
                    .header("Authorization", "Bearer " + v2.token("ferry", "secret", V2.push(other) + " " + V2.pull(repo)))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(notThere.statusCode()).as("falls back to an upload session").isEqualTo(202);
        }

        @Test
        void deleteUnlinksTheBlob() {
            String d = v2.pushBlob(repo, random(50));
            assertThat(v2.send(v2.authed("/v2/" + repo + "/blobs/" + d, V2.push(repo)).DELETE()).statusCode()).isEqualTo(202);
            HttpResponse<String> gone = v2.send(v2.authed("/v2/" + repo + "/blobs/" + d, V2.pull(repo)).GET());
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(V2.errorCode(gone)).isEqualTo("BLOB_UNKNOWN");
        }

        @Test
        void cancelledUploadsAreGone() {
            String location = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
            assertThat(v2.send(v2.authed(location, V2.push(repo)).DELETE()).statusCode()).isEqualTo(202);
            HttpResponse<String> r = v2.send(v2.authed(location, V2.push(repo)).GET());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(V2.errorCode(r)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        }

        HttpResponse<String> patch(String location, byte[] chunk, String range) {
            return v2.send(v2.authed(location, V2.push(repo)).header("Content-Range", range)
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)));
        }
    }

    @Nested
    class Manifests {
        @Test
        void putByTagThenGetAndHeadByTagAndDigest() {
            String digest = pushImage("v1", random(400));
            for (String ref : new String[]{"v1", digest}) {
                HttpResponse<String> get = v2.send(v2.authed("/v2/" + repo + "/manifests/" + ref, V2.pull(repo))
                        .header("Accept", MediaTypes.OCI_MANIFEST).GET());
                assertThat(get.statusCode()).isEqualTo(200);
                assertThat(get.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
                assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
                assertThat(V2.digest(get.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(digest);
                HttpResponse<String> head = v2.send(v2.authed("/v2/" + repo + "/manifests/" + ref, V2.pull(repo))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(get.body().length()));
            }
        }

        @Test
        void aManifestReferencingAMissingBlobIsRefusedAndNotStored() {
            String missing = V2.digest("missing".getBytes());
            byte[] config = "{}".getBytes();
            String c = v2.pushBlob(repo, config);
            HttpResponse<String> r = putManifest("bad", imageManifest(c, 2, missing, 7, ""));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
            HttpResponse<String> get = v2.send(v2.authed("/v2/" + repo + "/manifests/bad", V2.pull(repo)).GET());
            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(V2.errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
        }

        @Test
        void aDescriptorWithTheWrongSizeIsInvalid() {
            String c = v2.pushBlob(repo, "{}".getBytes());
            String l = v2.pushBlob(repo, random(10));
            HttpResponse<String> r = putManifest("bad", imageManifest(c, 2, l, 11, ""));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("MANIFEST_INVALID");
        }

        @Test
        void invalidJsonAndUnknownTypesAreInvalid() {
            assertThat(V2.errorCode(putManifest("bad", "{not json"))).isEqualTo("MANIFEST_INVALID");
            HttpResponse<String> schema1 = putManifest("bad", "{\"schemaVersion\":1}");
            assertThat(schema1.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(schema1)).isEqualTo("MANIFEST_INVALID");
        }

        @Test
        void anOversizedManifestIsRefused() {
            String huge = "{\"schemaVersion\":2,\"annotations\":{\"x\":\"" + "a".repeat(70 * 1024) + "\"}}";
            HttpResponse<String> r = putManifest("huge", huge);
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(V2.errorCode(r)).isEqualTo("SIZE_INVALID");
        }

        @Test
        void aDigestReferenceMustMatchTheContent() {
            String c = v2.pushBlob(repo, "{}".getBytes());
            String l = v2.pushBlob(repo, random(10));
            String body = imageManifest(c, 2, l, 10, "");
            HttpResponse<String> r = putManifest(V2.digest("other".getBytes()), body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(r)).isEqualTo("DIGEST_INVALID");
            HttpResponse<String> ok = putManifest(V2.digest(body.getBytes(StandardCharsets.UTF_8)), body);
            assertThat(ok.statusCode()).isEqualTo(201);
        }

        @Test
        void anIndexMustReferenceKnownManifests() {
            String m = pushImage("amd64", random(20));
            String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                    + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"%s\",\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
            HttpResponse<String> ok = v2.send(v2.authed("/v2/" + repo + "/manifests/multi", V2.push(repo))
                    .header("Content-Type", MediaTypes.OCI_INDEX).PUT(HttpRequest.BodyPublishers.ofString(index.formatted(m))));
            assertThat(ok.statusCode()).isEqualTo(201);
            HttpResponse<String> bad = v2.send(v2.authed("/v2/" + repo + "/manifests/multi2", V2.push(repo))
                    .header("Content-Type", MediaTypes.OCI_INDEX)
                    .PUT(HttpRequest.BodyPublishers.ofString(index.formatted(V2.digest("x".getBytes())))));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(bad)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        }

        @Test
        void artifactsWithASubjectAreListedAsReferrers() {
            String subject = pushImage("base", random(30));
            String empty = v2.pushBlob(repo, "{}".getBytes());
            String payload = v2.pushBlob(repo, random(40));
            String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"application/vnd.example.sbom\","
                    + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + empty + "\",\"size\":2},"
                    + "\"layers\":[{\"mediaType\":\"application/json\",\"digest\":\"" + payload + "\",\"size\":40}],"
                    + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subject + "\",\"size\":1},"
                    + "\"annotations\":{\"org.example\":\"yes\"}}";
            HttpResponse<String> put = putManifest(V2.digest(artifact.getBytes(StandardCharsets.UTF_8)), artifact);
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subject);

            HttpResponse<String> all = v2.send(v2.authed("/v2/" + repo + "/referrers/" + subject, V2.pull(repo)).GET());
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(all.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_INDEX);
            var list = V2.json(all.body()).path("manifests");
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.path(0).path("artifactType").asString()).isEqualTo("application/vnd.example.sbom");
            assertThat(list.path(0).path("annotations").path("org.example").asString()).isEqualTo("yes");

            HttpResponse<String> filtered = v2.send(v2.authed("/v2/" + repo + "/referrers/" + subject
                    + "?artifactType=application/other", V2.pull(repo)).GET());
            assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
            assertThat(V2.json(filtered.body()).path("manifests").size()).isZero();
        }

        @Test
        void tagsArePagedWithALinkHeader() {
            byte[] layer = random(10);
            for (String t : new String[]{"a", "b", "c", "d", "e"}) {
                pushImage(t, layer);
            }
            HttpResponse<String> first = v2.send(v2.authed("/v2/" + repo + "/tags/list?n=2", V2.pull(repo)).GET());
            assertThat(V2.json(first.body()).path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
            String link = first.headers().firstValue("Link").orElseThrow();
            assertThat(link).isEqualTo("</v2/" + repo + "/tags/list?n=2&last=b>; rel=\"next\"");
            HttpResponse<String> next = v2.send(v2.authed("/v2/" + repo + "/tags/list?n=2&last=b", V2.pull(repo)).GET());
            assertThat(V2.json(next.body()).path("tags").toString()).isEqualTo("[\"c\",\"d\"]");
            HttpResponse<String> last = v2.send(v2.authed("/v2/" + repo + "/tags/list?n=2&last=d", V2.pull(repo)).GET());
            assertThat(V2.json(last.body()).path("tags").toString()).isEqualTo("[\"e\"]");
            assertThat(last.headers().firstValue("Link")).isEmpty();
        }

        @Test
        void deleteByTagThenByDigest() {
            String digest = pushImage("gone", random(15));
            pushImage("kept", random(15));
            assertThat(v2.send(v2.authed("/v2/" + repo + "/manifests/gone", V2.push(repo)).DELETE()).statusCode()).isEqualTo(202);
            assertThat(v2.send(v2.authed("/v2/" + repo + "/manifests/gone", V2.pull(repo)).GET()).statusCode()).isEqualTo(404);
            assertThat(v2.send(v2.authed("/v2/" + repo + "/manifests/" + digest, V2.pull(repo)).GET()).statusCode())
                    .as("the manifest outlives its tag").isEqualTo(200);
            assertThat(v2.send(v2.authed("/v2/" + repo + "/manifests/" + digest, V2.push(repo)).DELETE()).statusCode()).isEqualTo(202);
            HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/manifests/" + digest, V2.pull(repo)).GET());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(V2.errorCode(r)).isEqualTo("MANIFEST_UNKNOWN");
        }
    }

    @Nested
    class Names {
        @Test
        void invalidNamesAndUnknownRepositories() {
            HttpResponse<String> invalid = v2.send(v2.authed("/v2/UPPER/tags/list", V2.pull("UPPER")).GET());
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(V2.errorCode(invalid)).isEqualTo("NAME_INVALID");
            HttpResponse<String> unknown = v2.send(v2.authed("/v2/" + repo + "/tags/list", V2.pull(repo)).GET());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(V2.errorCode(unknown)).isEqualTo("NAME_UNKNOWN");
        }
    }

    @Nested
    class GarbageCollection {
        @Test
        void unreferencedBlobsAndIdleUploadsAreCollectedReferencedOnesKept() {
            String kept = pushImage("kept", random(64));
            String keptLayer = V2.json(v2.send(v2.authed("/v2/" + repo + "/manifests/" + kept, V2.pull(repo)).GET()).body())
                    .path("layers").path(0).path("digest").asString();
            String orphan = v2.pushBlob(repo, random(65));
            String location = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/", V2.push(repo))
                    .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();

            GarbageCollector.Result r = gc.collect(Instant.now().plus(Duration.ofDays(2)));

            assertThat(r.blobs()).isGreaterThanOrEqualTo(1);
            assertThat(r.uploads()).isGreaterThanOrEqualTo(1);
            assertThat(blobFiles.exists(orphan)).isFalse();
            assertThat(v2.send(v2.authed("/v2/" + repo + "/blobs/" + orphan, V2.pull(repo)).GET()).statusCode()).isEqualTo(404);
            assertThat(blobFiles.exists(keptLayer)).isTrue();
            assertThat(v2.send(v2.authed("/v2/" + repo + "/blobs/" + keptLayer, V2.pull(repo)).GET()).statusCode()).isEqualTo(200);
            assertThat(v2.send(v2.authed(location, V2.push(repo)).GET()).statusCode()).isEqualTo(404);
        }
    }
}
