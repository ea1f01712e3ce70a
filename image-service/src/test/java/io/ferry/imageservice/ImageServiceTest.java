package io.ferry.imageservice;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.RunRequest;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageServiceToken;
import io.ferry.core.image.ImageStore;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.os.FileTrees;
import io.ferry.core.registry.Credentials;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.RegistryProcess;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * image-service against a real registry-service process: pulls a 3-layer image (pushed by Ferry,
 * with an OCI whiteout and an opaque directory) cold and warm, shares downloads between concurrent
 * pulls, resumes or restarts broken downloads, refuses hostile layers, and serves the engine's restore. Tagged host: whiteouts need
 * root (mknod, trusted xattrs) and one test runs a container.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageServiceTest {
    private RegistryProcess registry;
    private Path work;
    private String app;
    private List<Descriptor> appLayers;
    private final HttpClient http = HttpClient.newHttpClient();
    private ConfigurableApplicationContext service;
    private URI base;
    private Path tokenFile;
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    @BeforeAll
    void pushAThreeLayerImage() throws IOException {
        registry = RegistryProcess.start();
        work = Files.createTempDirectory("ferry-image-service");
        ImageStore builder = new ImageStore(work.resolve("builder"), ArchiveLimits.defaults());
        String base;
        try (InputStream in = Files.newInputStream(BusyboxImage.tarball())) {
            base = builder.storeLayer(in);
        }
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        String config = builder.storeLayer(tar(Map.of("etc/app.conf", "answer=42\n".getBytes(), "etc/.wh.deleteme", new byte[0],
                        "var/www/.wh..wh..opq", new byte[0], "var/www/only.html", "only\n".getBytes())),
                null, true);
        String payload = builder.storeLayer(tar(Map.of("opt/data.bin", data)), null, true);
        app = registry.address() + "/apps/app:1";
        Image image = builder.register(app, List.of(base, config, payload));
        new ImagePusher(builder, clients(), work.resolve("tmp")).push(image, Reference.parse(app));
        RegistryClient.Manifest m = clients().client(registry.address()).getManifest("apps/app", "1");
        appLayers = Json.MAPPER.readValue(m.content(), ImageManifest.class).layers();
    }

    @AfterAll
    void stopRegistry() {
        registry.close();
        FileTrees.deleteRecursively(work);
    }

    @AfterEach
    void stopService() {
        if (service != null) {
            service.close();
            service = null;
        }
    }

    private RegistryClients clients() {
        return new RegistryClients(RegistryAuth.of(registry.address(), Credentials.parse(registry.credentials())), true);
    }

    private static InputStream tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                out.putArchiveEntry(e);
                out.write(f.getValue());
                out.closeArchiveEntry();
            }
        }
        return new java.io.ByteArrayInputStream(buf.toByteArray());
    }

    /** image-service for a host (a fresh one, or a test host's root so the engine shares the store). */
    private TestHost serviceFor(String label) {
        TestHost host = hosts.create(label, EngineSettings.defaults().withRegistryAuth(registry.auth()));
        service = new SpringApplicationBuilder(ImageServiceApplication.class).run("--server.port=0",
                "--ferry.host.id=" + host.host().id(), "--ferry.host.root=" + host.host().root(),
                "--ferry.registry-auth=" + registry.auth());
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
        tokenFile = ImageServiceToken.path(host.host());
        return host;
    }

    private HttpResponse<String> pull(String ref) {
        return send(HttpRequest.newBuilder(base.resolve("/images/pull")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reference\":\"" + ref + "\"}")));
    }

    /** With the host's token, as its services send it. */
    private HttpResponse<String> send(HttpRequest.Builder rb) {
        try {
            return http.send(rb.header("Authorization", "Bearer " + ImageServiceToken.read(tokenFile)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private double metric(String name) {
        String text = send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus")).GET()).body();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private long layerBytes() {
        return appLayers.stream().mapToLong(Descriptor::size).sum();
    }

    @Test
    void aThreeLayerImageIsPulledColdThenWarm() throws IOException {
        TestHost host = serviceFor("cold");
        HttpResponse<String> cold = pull(app);
        assertThat(cold.statusCode()).as(cold.body()).isEqualTo(200);
        JsonNode c = Json.MAPPER.readTree(cold.body());
        assertThat(c.path("layersDownloaded").asInt()).isEqualTo(3);
        assertThat(c.path("bytesDownloaded").asLong()).isEqualTo(layerBytes());

        HttpResponse<String> warm = pull(app);
        JsonNode w = Json.MAPPER.readTree(warm.body());
        assertThat(w.path("layersDownloaded").asInt()).isZero();
        assertThat(w.path("layersCached").asInt()).isEqualTo(3);
        assertThat(w.path("bytesDownloaded").asLong()).isZero();

        assertThat(metric("ferry_images_pulled_bytes_total")).isEqualTo((double) layerBytes());
        assertThat(metric("ferry_images_cache_hits_total")).isEqualTo(3.0);
        assertThat(metric("ferry_images_pull_duration_seconds_count")).isEqualTo(2.0);
        assertThat(send(HttpRequest.newBuilder(base.resolve("/images")).GET()).body()).contains(app);

        Image pulled = host.engine().images().get(app);
        Path whiteout = host.engine().imageStore().layerContent(pulled.layers().get(1)).resolve("etc/deleteme");
        assertThat((Integer) Files.getAttribute(whiteout, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000)
                .as("an OCI whiteout became an overlay whiteout").isEqualTo(0020000);
    }

    @Test
    void anIndexResolvesToItsLinuxAmd64Manifest() {
        TestHost host = serviceFor("index");
        RegistryClient client = clients().client(registry.address());
        RegistryClient.Manifest m = client.getManifest("apps/app", "1");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + m.digest() + "\",\"size\":"
                + m.content().length + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + m.digest() + "\",\"size\":"
                + m.content().length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        client.putManifest("apps/app", "multi", MediaTypes.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> r = pull(registry.address() + "/apps/app:multi");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(host.engine().images().get(registry.address() + "/apps/app:multi").layers()).hasSize(3);
    }

    @Test
    void aContainerSeesTheLayersMergedWithTheWhiteoutApplied() {
        TestHost host = serviceFor("merged");
        assertThat(pull(app).statusCode()).isEqualTo(200);
        host.engine().containers().run(new RunRequest("reader", app, List.of("sh", "-c",
                "cat /etc/app.conf; ls /etc/deleteme 2>&1; echo www: $(ls /var/www); wc -c < /opt/data.bin; sleep 60"),
                List.of()));
        host.log("reader").await(l -> l.lines().size() >= 4, Duration.ofSeconds(20), "the reader's output");
        // /var/www was opaque in the pushed layer: the base image's index.html and assets/ stay hidden
        assertThat(host.log("reader").lines()).contains("answer=42").anyMatch(l -> l.contains("No such file"))
                .contains("www: only.html").contains(String.valueOf(3 << 20));
    }

    @Test
    void concurrentPullsDownloadEachLayerOnce() throws IOException {
        serviceFor("conc");
        // a second name for the same content: another image sharing every layer
        String twin = registry.address() + "/apps/twin:1";
        RegistryClient client = clients().client(registry.address());
        RegistryClient.Manifest m = client.getManifest("apps/app", "1");
        ImageManifest manifest = Json.MAPPER.readValue(m.content(), ImageManifest.class);
        for (Descriptor d : List.of(manifest.config(), appLayers.get(0), appLayers.get(1), appLayers.get(2))) {
            try (InputStream in = client.openBlob("apps/app", d.digest(), 0)) {
                client.pushBlob("apps/twin", d.digest(), in.readAllBytes());
            }
        }
        client.putManifest("apps/twin", "1", MediaTypes.OCI_MANIFEST, m.content());

        List<CompletableFuture<HttpResponse<String>>> pulls = new ArrayList<>();
        for (String ref : List.of(app, app, twin)) {
            pulls.add(CompletableFuture.supplyAsync(() -> pull(ref)));
        }
        for (CompletableFuture<HttpResponse<String>> p : pulls) {
            assertThat(p.join().statusCode()).isEqualTo(200);
        }
        assertThat(metric("ferry_images_pulled_bytes_total")).as("every layer fetched once").isEqualTo((double) layerBytes());
    }

    @Test
    void anInterruptedDownloadResumesWhereItStopped() throws IOException {
        TestHost host = serviceFor("resume");
        Descriptor big = appLayers.get(2);
        byte[] head;
        try (InputStream in = clients().client(registry.address()).openBlob("apps/app", big.digest(), 0)) {
            head = in.readNBytes((int) big.size() / 2);
        }
        Path downloads = host.host().images().resolve("downloads");
        Files.createDirectories(downloads);
        Files.write(downloads.resolve(big.digest().substring(7) + ".partial"), head);

        JsonNode r = Json.MAPPER.readTree(pull(app).body());

        assertThat(r.path("bytesDownloaded").asLong()).isEqualTo(layerBytes() - head.length);
        assertThat(downloads.resolve(big.digest().substring(7) + ".partial")).doesNotExist();
    }

    @Test
    void aCorruptPartialDownloadIsDiscardedAndFetchedAgain() throws IOException {
        TestHost host = serviceFor("corrupt");
        Descriptor big = appLayers.get(2);
        byte[] garbage = new byte[(int) big.size() / 2];
        new Random(9).nextBytes(garbage);
        Path downloads = host.host().images().resolve("downloads");
        Files.createDirectories(downloads);
        Files.write(downloads.resolve(big.digest().substring(7) + ".partial"), garbage);

        HttpResponse<String> r = pull(app);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).path("bytesDownloaded").asLong())
                .isEqualTo(layerBytes() - garbage.length + big.size());
        assertThat(host.engine().imageStore().hasLayer(host.engine().images().get(app).layers().get(2))).isTrue();
    }

    @Test
    void aLayerWithTraversalEntriesIsRefusedAndNothingIsStored() throws IOException {
        TestHost host = serviceFor("evil");
        RegistryClient client = clients().client(registry.address());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            TarArchiveEntry e = new TarArchiveEntry("../../evil");
            byte[] x = "pwned".getBytes(StandardCharsets.UTF_8);
            e.setSize(x.length);
            out.putArchiveEntry(e);
            out.write(x);
            out.closeArchiveEntry();
        }
        byte[] layer = buf.toByteArray();
        String layerDigest = RegistryClient.sha256(layer);
        client.pushBlob("apps/evil", layerDigest, layer);
        byte[] config = Json.bytes(Map.of("architecture", "amd64", "os", "linux",
                "rootfs", Map.of("type", "layers", "diff_ids", List.of(layerDigest))));
        client.pushBlob("apps/evil", RegistryClient.sha256(config), config);
        ImageManifest manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, null,
                new Descriptor(MediaTypes.OCI_CONFIG, RegistryClient.sha256(config), config.length),
                List.of(new Descriptor(MediaTypes.OCI_LAYER, layerDigest, layer.length)), null, null);
        client.putManifest("apps/evil", "1", MediaTypes.OCI_MANIFEST, Json.bytes(manifest));

        HttpResponse<String> r = pull(registry.address() + "/apps/evil:1");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(r.body()).path("detail").asString())
                .contains("archive entry \"../../evil\" escapes the extraction directory");
        assertThat(host.engine().images().find(registry.address() + "/apps/evil:1")).isEmpty();
        assertThat(host.engine().imageStore().hasLayer(layerDigest)).isFalse();
        assertThat(host.host().root().resolve("evil")).doesNotExist();
        assertThat(host.host().images().resolve("evil")).doesNotExist();
    }

    @Test
    void unknownImagesAndDeletes() {
        serviceFor("delete");
        HttpResponse<String> missing = pull(registry.address() + "/apps/app:nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("MANIFEST_UNKNOWN");
        assertThat(pull(app).statusCode()).isEqualTo(200);
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(base.resolve("/images/" + app)).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(send(HttpRequest.newBuilder(base.resolve("/images")).GET()).body()).doesNotContain(app);
        assertThat(send(HttpRequest.newBuilder(base.resolve("/images/" + app)).DELETE()).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = pull("not a reference");
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    void restoreAsksTheImageServiceForAMissingImage() {
        TestHost a = hosts.create("rsrc", EngineSettings.defaults().withRegistryAuth(registry.auth()));
        a.engine().images().pull(app);
        a.engine().containers().run(new RunRequest("looper", app, List.of("sh", "-c", TestHost.LOOPER), List.of()));
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        Path archive = work.resolve("looper.tar.zst");
        a.engine().checkpoint("looper", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();

        TestHost b = serviceFor("rdst");
        // no credentials here (image-service has them): the registry is allowed explicitly
        var viaService = io.ferry.core.engine.FerryEngine.open(b.host(), EngineSettings.defaults().withImageService(base)
                .withAllowedRegistries(List.of(registry.address())));
        viaService.restore(ArchiveSource.file(archive), RestoreOptions.defaults());

        assertThat(metric("ferry_images_pull_duration_seconds_count")).as("the service pulled it").isEqualTo(1.0);
        b.log("looper").awaitNumberAtLeast(a.log("looper").last() + 2, Duration.ofSeconds(20));
    }
}
