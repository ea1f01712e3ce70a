package io.ferry.core.image;

import com.sun.net.httpserver.HttpServer;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import io.ferry.core.os.FileTrees;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.tar.ArchiveLimits;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hostile images from a registry: digests and diff ids that are paths. Each pull is refused naming
 * the field, nothing outside the image store is created, and nothing on the host is harmed, also
 * by a later {@code image rm}.
 */
class HostileImageTest {
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private HttpServer registry;
    private Path dir;
    private Path storeDir;
    private Path victim;
    private ImageStore store;
    private ImagePuller puller;

    @BeforeEach
    void startAFakeRegistry() throws IOException {
        dir = Files.createTempDirectory("ferry-hostile-image");
        storeDir = dir.resolve("host/images");
        // what the attacks aim at: a host directory beside the state root, with a "diff" inside
        victim = Files.createDirectories(dir.resolve("victim"));
        Files.createDirectories(victim.resolve("diff"));
        Files.writeString(victim.resolve("precious"), "keep me");
        Files.createDirectories(storeDir.resolve("layers")); // as on a host that has pulled before
        Files.createDirectories(storeDir.resolve("downloads"));
        store = new ImageStore(storeDir, ArchiveLimits.defaults());
        puller = new ImagePuller(store, new RegistryClients(RegistryAuth.none(), false), storeDir.resolve("downloads"));
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/v2/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            String type = "application/octet-stream";
            if (path.equals("/v2/")) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            } else if (path.contains("/manifests/")) {
                body = manifests.get(path.substring(path.lastIndexOf('/') + 1));
                type = MediaTypes.OCI_MANIFEST;
            } else if (path.contains("/blobs/")) {
                body = blobs.get(path.substring(path.indexOf("/blobs/") + "/blobs/".length()));
            }
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        FileTrees.deleteRecursively(dir);
    }

    private Reference ref(String tag) {
        return Reference.parse("127.0.0.1:" + registry.getAddress().getPort() + "/evil/image:" + tag);
    }

    /** Publishes an image whose manifest lists these layers and whose config lists these diff ids. */
    private void publish(String tag, List<Descriptor> layers, List<String> diffIds) {
        byte[] config = Json.bytes(Map.of("architecture", "amd64", "os", "linux",
                "rootfs", Map.of("type", "layers", "diff_ids", diffIds)));
        String configDigest = Sha256.of(config);
        blobs.put(configDigest, config);
        ImageManifest m = new ImageManifest(2, MediaTypes.OCI_MANIFEST, null,
                new Descriptor(MediaTypes.OCI_CONFIG, configDigest, config.length), layers, null, null);
        manifests.put(tag, Json.bytes(m));
    }

    private Descriptor layer(byte[] tar) {
        String digest = Sha256.of(tar);
        blobs.put(digest, tar);
        return new Descriptor(MediaTypes.OCI_LAYER, digest, tar.length);
    }

    /** Pulls; an image that got in anyway is removed again (image rm), so the harm either would do shows. */
    private Throwable pullThenRemove(String tag) {
        Throwable failure = catchThrowable(() -> puller.pull(ref(tag)));
        store.list().forEach(store::remove);
        return failure;
    }

    private void assertHostUntouched() throws IOException {
        assertThat(victim.resolve("precious")).hasContent("keep me");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("nothing created beside the store")
                    .containsExactlyInAnyOrder("host", "victim");
        }
        assertThat(store.list()).as("no image registered").isEmpty();
    }

    @Test
    void aDiffIdThatIsAPathIsRefusedAndImageRmCannotDeleteTheHostDirectory() throws IOException {
        String traversal = "sha256:../../../victim";
        publish("diffid", List.of(layer(tar(file("a", "x")))), List.of(traversal));

        Throwable failure = pullThenRemove("diffid");
        assertHostUntouched();
        assertThat(failure).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is refused: invalid rootfs.diff_ids[0] \"sha256:../../../victim\"");

        // the same layer list written into the store's records by hand is refused when read back, so rm deletes nothing
        Files.createDirectories(storeDir.resolve("images"));
        String id = "ab".repeat(32);
        Files.writeString(storeDir.resolve("images/" + id + ".json"), "{\"id\":\"" + id + "\",\"names\":[\"x:latest\"],"
                + "\"layers\":[\"" + traversal + "\"],\"created\":\"2026-01-01T00:00:00Z\",\"size\":0}");
        assertThatThrownBy(() -> store.remove(store.get("x:latest")))
                .isInstanceOf(FerryException.class)
                .hasMessageContaining("is invalid: invalid layers[0] \"sha256:../../../victim\"");
        assertThat(victim.resolve("precious")).hasContent("keep me");
    }

    @Test
    void aLayerDigestThatIsAPathCreatesNoLockFileOutsideTheStore() throws IOException {
        byte[] tar = tar(file("a", "x"));
        blobs.put("sha256:../../../pwned", tar);
        publish("lock", List.of(new Descriptor(MediaTypes.OCI_LAYER, "sha256:../../../pwned", tar.length)),
                List.of(Sha256.of(tar)));

        Throwable failure = pullThenRemove("lock");
        assertThat(dir.resolve("pwned.lock")).doesNotExist();
        assertThat(dir.resolve("pwned.partial")).doesNotExist();
        assertHostUntouched();
        assertThat(failure).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is refused: invalid layers[0].digest \"sha256:../../../pwned\"");
    }

    @Test
    void aLayerSymlinkPlusACraftedDiffIdCannotMakeAHostDirectoryALayer() throws IOException {
        // layer 1 is honest but holds evil/diff -> the host directory; layer 2's diff id points into layer 1
        byte[] first = tar(symlink("evil/diff", victim.toString()));
        String firstDiffId = Sha256.of(first);
        String crafted = firstDiffId + "/diff/evil";
        publish("symlink", List.of(layer(first), layer(tar(file("b", "y")))), List.of(firstDiffId, crafted));

        Throwable failure = catchThrowable(() -> puller.pull(ref("symlink")));
        for (Image image : store.list()) {
            for (Path lower : store.lowerDirs(image)) {
                assertThat(lower.toRealPath()).as("a lower layer of the image").isNotEqualTo(victim.toRealPath());
            }
        }
        store.list().forEach(store::remove);
        assertHostUntouched();
        assertThat(failure).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is refused: invalid rootfs.diff_ids[1] \"" + crafted.substring(0, 80) + "\"…");
    }

    private static TarArchiveEntry file(String name, String content) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length());
        return e;
    }

    private static TarArchiveEntry symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        return e;
    }

    private static byte[] tar(TarArchiveEntry... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (TarArchiveEntry e : entries) {
                if (e.getName().contains("/")) {
                    TarArchiveEntry parent = new TarArchiveEntry(e.getName().substring(0, e.getName().indexOf('/') + 1));
                    out.putArchiveEntry(parent);
                    out.closeArchiveEntry();
                }
                out.putArchiveEntry(e);
                if (e.isFile() && !e.isSymbolicLink()) {
                    out.write(new byte[(int) e.getSize()]);
                }
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
