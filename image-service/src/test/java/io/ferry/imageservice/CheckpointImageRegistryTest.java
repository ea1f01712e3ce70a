package io.ferry.imageservice;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.image.CheckpointImageAnnotations;
import io.ferry.core.image.Image;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import io.ferry.core.registry.Credentials;
import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.testing.RegistryProcess;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoint images through a real registry-service: pushed with their annotations as a plain OCI image, pulled
 * on another host (the user's pull and image-service's) and restored there; a pulled one is hostile input —
 * a crafted layer (a path escaping the directory, or no checkpoint archive) is refused, an unsigned one is not
 * restored where signatures are required. Real runc and CRIU.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointImageRegistryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private RegistryProcess registry;
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    @BeforeAll
    void startRegistry() {
        registry = RegistryProcess.start();
    }

    @AfterAll
    void stopRegistry() {
        registry.close();
    }

    private EngineSettings settings() {
        return EngineSettings.defaults().withRegistryAuth(registry.auth());
    }

    @Test
    void aCheckpointImageIsPushedPulledOnAnotherHostAndRestoredThere() throws IOException {
        TestHost a = hosts.create("ckpush", settings());
        a.engine().hostIdentity(); // a has keys: its checkpoint image is signed
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, WAIT);
        String ref = registry.address() + "/checkpoints/looper:1";
        a.engine().checkpointToImage("looper", CheckpointOptions.defaults(), ref);
        int checkpointedAt = a.log("looper").last();

        a.engine().images().push(ref, null);

        RegistryClient.Manifest m = clients().client(registry.address()).getManifest("checkpoints/looper", "1");
        ImageManifest manifest = Json.MAPPER.readValue(m.content(), ImageManifest.class);
        assertThat(manifest.annotations()).containsEntry(CheckpointImageAnnotations.PODMAN_NAME, "looper")
                .containsEntry(CheckpointImageAnnotations.PODMAN_RUNTIME_NAME, "runc")
                .containsKey(io.ferry.protocol.ArchiveAnnotations.SIGNATURE);
        assertThat(manifest.layers()).singleElement().extracting(Descriptor::mediaType).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);

        // b trusts a and requires signatures: the signature travelled in the annotations
        TestHost b = hosts.create("ckpull", settings().withRequireSigned(true));
        Files.writeString(b.host().root().resolve("trusted-hosts"), a.engine().hostIdentity() + "\n");
        Image pulled = b.engine().images().pull(ref).image();
        assertThat(pulled.checkpointOf()).contains("looper");
        assertThat(b.engine().images().list()).extracting(Image::id).contains(pulled.id());

        b.engine().restore(b.engine().checkpointImage(ref).orElseThrow(), RestoreOptions.defaults());
        int resumedAt = b.log("looper").awaitNumberAtLeast(checkpointedAt + 1, WAIT).last();
        b.log("looper").awaitNumberAtLeast(resumedAt + 2, WAIT);

        // the same archive under a manifest without the signature: image-service's pull (another component's, from
        // an allowed registry) keeps it a checkpoint image, and a host requiring signatures does not restore it
        Map<String, String> unsigned = new java.util.LinkedHashMap<>(manifest.annotations());
        unsigned.keySet().removeIf(k -> k.startsWith(io.ferry.protocol.ArchiveAnnotations.SIGNATURE));
        clients().client(registry.address()).putManifest("checkpoints/looper", "unsigned", MediaTypes.OCI_MANIFEST,
                Json.bytes(new ImageManifest(2, MediaTypes.OCI_MANIFEST, null, manifest.config(), manifest.layers(), null,
                        unsigned)));
        String unsignedRef = registry.address() + "/checkpoints/looper:unsigned";
        TestHost c = hosts.create("ckserv", settings().withAllowedRegistries(List.of(registry.address()))
                .withRequireSigned(true));
        assertThat(c.engine().images().pullFromAllowed(unsignedRef).image().checkpoint()).isTrue();
        ArchiveSource source = c.engine().checkpointImage(unsignedRef).orElseThrow();
        assertThatThrownBy(() -> c.engine().restore(source, RestoreOptions.defaults()))
                .isInstanceOf(UntrustedCheckpointException.class).hasMessageContaining("is not signed");
        assertThat(c.engine().find("looper")).isEmpty();
    }

    @Test
    void aCraftedCheckpointImageIsRefusedAtPull() throws IOException {
        TestHost b = hosts.create("ckcraft", settings());
        String escaping = push("crafted/escape:1", tar("../../etc/ferry-pwned", "x"));
        String notAnArchive = push("crafted/rootfs:1", tar("bin/sh", "#!/bin/sh\n"));

        assertThatThrownBy(() -> b.engine().images().pull(escaping))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("checkpoint image " + escaping + " is refused: its layer is not a checkpoint archive")
                .hasMessageContaining("escapes the extraction directory");
        assertThatThrownBy(() -> b.engine().images().pull(notAnArchive))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("its layer is not a checkpoint archive: not a checkpoint archive: config.dump is missing");
        assertThat(b.engine().images().find(escaping)).isEmpty();
        assertThat(b.engine().images().find(notAnArchive)).isEmpty();
        assertThat(Files.exists(java.nio.file.Path.of("/etc/ferry-pwned"))).isFalse();
    }

    /** A checkpoint image made by hand: Podman's annotations over a layer that is whatever the test says. */
    private String push(String repoTag, byte[] layer) {
        RegistryClient client = clients().client(registry.address());
        String repo = repoTag.substring(0, repoTag.indexOf(':'));
        String tag = repoTag.substring(repoTag.indexOf(':') + 1);
        String layerDigest = Sha256.of(layer);
        client.pushBlob(repo, layerDigest, layer);
        byte[] config = Json.bytes(Map.of("architecture", "amd64", "os", "linux",
                "rootfs", Map.of("type", "layers", "diff_ids", List.of(layerDigest))));
        client.pushBlob(repo, Sha256.of(config), config);
        ImageManifest manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, null,
                new Descriptor(MediaTypes.OCI_CONFIG, Sha256.of(config), config.length),
                List.of(new Descriptor(MediaTypes.OCI_LAYER, layerDigest, layer.length)), null,
                Map.of(CheckpointImageAnnotations.PODMAN_NAME, "evil", CheckpointImageAnnotations.PODMAN_RUNTIME_NAME, "runc"));
        client.putManifest(repo, tag, MediaTypes.OCI_MANIFEST, Json.bytes(manifest));
        return registry.address() + "/" + repoTag;
    }

    private static byte[] tar(String name, String content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            byte[] bytes = content.getBytes();
            TarArchiveEntry e = new TarArchiveEntry(name, true); // preserve the leading ../ as written
            e.setSize(bytes.length);
            out.putArchiveEntry(e);
            out.write(bytes);
            out.closeArchiveEntry();
        }
        return buf.toByteArray();
    }

    private RegistryClients clients() {
        return new RegistryClients(RegistryAuth.of(registry.address(), Credentials.parse(registry.credentials())), true);
    }
}
