package io.ferry.core.image;

import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.tar.TarWriter;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes a local image to a registry as an OCI image: each layer tarred and gzipped (to a temporary
 * file, since its digest must be known before the upload), skipped when the registry has it, then
 * the config (with the diff ids) and the manifest.
 */
public final class ImagePusher {
    private final ImageStore store;
    private final RegistryClients clients;
    private final Path tmp;

    public ImagePusher(ImageStore store, RegistryClients clients, Path tmp) {
        this.store = store;
        this.clients = clients;
        this.tmp = tmp;
    }

    /** What a push did: the manifest digest, and how many layers were uploaded or already there. */
    public record Result(String digest, int layersUploaded, int layersPresent) {
    }

    public Result push(Image image, Reference target) {
        RegistryClient client = clients.client(target.registry());
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        int uploaded = 0;
        try {
            Files.createDirectories(tmp);
            if (image.checkpoint()) { // its one layer goes as stored: the archive, as a (compressed) tar layer
                String layer = image.layers().get(0);
                Path archive = store.archiveLayer(layer);
                String digest = Sha256.of(archive);
                uploaded += uploadIfMissing(client, target, digest, archive);
                layers.add(new Descriptor(CheckpointImageAnnotations.layerMediaType(compressionOf(archive)), digest,
                        Files.size(archive)));
                diffIds.add(layer);
            } else { // a plain image: each layer as a tar.gz
                for (String layer : image.layers()) {
                    Path file = Files.createTempFile(tmp, "layer", ".tar.gz");
                    try {
                        MessageDigest compressed = Sha256.newDigest();
                        MessageDigest uncompressed = Sha256.newDigest();
                        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), compressed);
                             GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                             TarWriter tar = new TarWriter(new DigestOutputStream(gz, uncompressed)).withOciWhiteouts()) {
                            tar.addTree("", store.layerContent(layer), p -> false);
                            tar.finish();
                        }
                        String digest = Sha256.of(compressed);
                        uploaded += uploadIfMissing(client, target, digest, file);
                        layers.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, Files.size(file)));
                        diffIds.add(Sha256.of(uncompressed));
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot push " + image.shortId() + ": " + e.getMessage(), e);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", Instant.now().toString());
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        byte[] configBytes = Json.bytes(config);
        String configDigest = Sha256.of(configBytes);
        if (!client.blobExists(target.repository(), configDigest)) {
            client.pushBlob(target.repository(), configDigest, configBytes);
        }
        ImageManifest manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, null,
                new Descriptor(MediaTypes.OCI_CONFIG, configDigest, configBytes.length), layers, null,
                image.checkpoint() ? image.annotations() : null); // a checkpoint image's annotations say what it is
        String digest = client.putManifest(target.repository(), target.reference(), MediaTypes.OCI_MANIFEST,
                Json.bytes(manifest));
        return new Result(digest, uploaded, layers.size() - uploaded);
    }

    private static io.ferry.core.tar.Compression compressionOf(Path archive) throws IOException {
        try (java.io.BufferedInputStream in = new java.io.BufferedInputStream(Files.newInputStream(archive))) {
            return io.ferry.core.tar.Compression.detect(in);
        }
    }

    /** Uploads the blob unless the registry has it already; 1 when it was uploaded. */
    private static int uploadIfMissing(RegistryClient client, Reference target, String digest, Path file) {
        if (client.blobExists(target.repository(), digest)) {
            return 0;
        }
        client.pushBlob(target.repository(), digest, file);
        return 1;
    }
}
