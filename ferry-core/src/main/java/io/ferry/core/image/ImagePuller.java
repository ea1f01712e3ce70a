package io.ferry.core.image;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageIndex;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.OciDocuments;
import io.ferry.core.oci.Platform;
import io.ferry.core.oci.Sha256;
import io.ferry.core.os.Confined;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.registry.RegistryException;
import io.ferry.protocol.Identifiers;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pulls an image into the host's {@link ImageStore}: index -> linux/amd64 manifest -> config and
 * layers, every digest verified. Layers already unpacked (by diff id) are not downloaded again;
 * a layer is fetched once even when two pulls want it at the same time (a lock per layer, in this
 * JVM and across processes); a download interrupted midway resumes from where it stopped (Range)
 * and is verified whole before it is unpacked.
 */
public final class ImagePuller {
    private static final int MAX_CONFIG = 8 << 20;

    private final ImageStore store;
    private final RegistryClients clients;
    private final Path downloads;
    private final ConcurrentHashMap<String, ReentrantLock> layerLocks = new ConcurrentHashMap<>();

    private final CheckpointLayers checkpointLayers;

    public ImagePuller(ImageStore store, RegistryClients clients, Path downloads) {
        this(store, clients, downloads, CheckpointLayers.REFUSE);
    }

    /** With {@code checkpointLayers}: checkpoint images are pulled too, their archive vetted before it is kept. */
    public ImagePuller(ImageStore store, RegistryClients clients, Path downloads, CheckpointLayers checkpointLayers) {
        this.store = store;
        this.clients = clients;
        this.downloads = downloads;
        this.checkpointLayers = checkpointLayers;
    }

    /** What a pull did: the image, bytes downloaded, and layers found already unpacked. */
    public record Result(Image image, long bytesDownloaded, int layersDownloaded, int layersCached) {
    }

    public Result pull(Reference ref) {
        RegistryClient client = clients.client(ref.registry());
        RegistryClient.Manifest m = client.getManifest(ref.repository(), ref.reference());
        if (MediaTypes.INDEXES.contains(m.mediaType())) {
            byte[] indexJson = m.content();
            ImageIndex index = checked(ref, () -> OciDocuments.index(indexJson));
            Descriptor chosen = index.manifests().stream().filter(d -> Platform.LINUX_AMD64.matches(d.platform()))
                    .findFirst().orElseThrow(() -> new RegistryException("image " + ref + " has no linux/amd64 manifest",
                            404, "MANIFEST_UNKNOWN"));
            m = client.getManifest(ref.repository(), chosen.digest());
        }
        if (!MediaTypes.MANIFESTS.contains(m.mediaType())) {
            throw new RegistryException(ref + " is not an image (media type " + m.mediaType() + ")", 200, "MANIFEST_INVALID");
        }
        byte[] manifestJson = m.content();
        ImageManifest manifest = checked(ref, () -> OciDocuments.manifest(manifestJson));
        if (manifest.artifactType() != null) {
            throw new RegistryException(ref + " is an artifact of type " + manifest.artifactType() + ", not an image",
                    200, "MANIFEST_INVALID");
        }
        String configDigest = manifest.config().digest();
        JsonNode config = Json.MAPPER.readTree(client.getBlob(ref.repository(), configDigest, MAX_CONFIG));
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(checkDigest(ref,
                "rootfs.diff_ids[" + diffIds.size() + "]", d.isString() ? d.asString() : d.toString())));
        List<Descriptor> layers = manifest.layers();
        if (diffIds.size() != layers.size()) {
            throw new RegistryException("image " + ref + " lists " + layers.size() + " layers but its config "
                    + diffIds.size() + " diff ids", 200, "MANIFEST_INVALID");
        }
        if (CheckpointImageAnnotations.isCheckpointImage(manifest.annotations())) {
            return pullCheckpoint(client, ref, manifest, diffIds, configDigest);
        }
        long bytes = 0;
        int downloaded = 0;
        for (int i = 0; i < layers.size(); i++) {
            long got = ensureLayer(client, ref.repository(), layers.get(i), diffIds.get(i));
            bytes += got;
            downloaded += got > 0 ? 1 : 0;
        }
        String id = Sha256.hex(configDigest);
        Image image = store.register(ref.toString(), diffIds, id);
        return new Result(image, bytes, downloaded, layers.size() - downloaded);
    }

    /**
     * A checkpoint image: one (compressed) tar layer holding a checkpoint archive, kept as downloaded (digest
     * verified), vetted as an imported archive is before it is stored, never unpacked as a root filesystem.
     */
    private Result pullCheckpoint(RegistryClient client, Reference ref, ImageManifest manifest, List<String> diffIds,
                                  String configDigest) {
        List<Descriptor> layers = manifest.layers();
        if (layers.size() != 1) {
            throw new InvalidArchiveException("image " + ref + " is refused: a checkpoint image has one layer, this one "
                    + layers.size());
        }
        Descriptor layer = layers.get(0);
        if (!CheckpointImageAnnotations.isArchiveLayerType(layer.mediaType())) {
            throw new InvalidArchiveException("image " + ref + " is refused: its checkpoint layer has media type "
                    + layer.mediaType() + ", not a tar layer");
        }
        String diffId = diffIds.get(0);
        long fetched = 0;
        if (!store.hasArchiveLayer(diffId)) {
            ReentrantLock lock = layerLocks.computeIfAbsent(diffId, k -> new ReentrantLock());
            lock.lock();
            try (FileChannel ch = lockFile(layer.digest()); FileLock ignored = ch.lock()) {
                if (!store.hasArchiveLayer(diffId)) {
                    Path partial = Confined.resolve(downloads, Sha256.hex(layer.digest()) + ".partial");
                    fetched = download(client, ref.repository(), layer, partial);
                    try {
                        checkpointLayers.vet(partial, "checkpoint image " + ref);
                        store.storeArchiveLayer(partial, diffId);
                    } finally {
                        Files.deleteIfExists(partial);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot pull layer " + layer.digest() + ": " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        }
        checkpointLayers.stored(store.archiveLayer(diffId), layer.digest(), manifest.annotations());
        Image image = store.registerCheckpoint(ref.toString(), diffId, Sha256.hex(configDigest), manifest.annotations());
        return new Result(image, fetched, fetched > 0 ? 1 : 0, fetched > 0 ? 0 : 1);
    }

    /** Makes sure the layer is unpacked; returns the bytes downloaded (0 when it was there already). */
    private long ensureLayer(RegistryClient client, String repository, Descriptor layer, String diffId) {
        if (store.hasLayer(diffId)) {
            return 0;
        }
        ReentrantLock lock = layerLocks.computeIfAbsent(diffId, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = lockFile(layer.digest()); FileLock ignored = ch.lock()) {
            if (store.hasLayer(diffId)) {
                return 0; // another pull (in this JVM or another process) unpacked it meanwhile
            }
            Path partial = Confined.resolve(downloads, Sha256.hex(layer.digest()) + ".partial");
            long fetched = download(client, repository, layer, partial);
            try (InputStream in = Files.newInputStream(partial)) {
                store.storeLayer(in, diffId, true);
            }
            Files.deleteIfExists(partial);
            return fetched;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pull layer " + layer.digest() + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Downloads into {@code partial}, resuming after what is already there; verifies the whole file.
     * A partial file whose content turns out wrong is discarded and the download restarted once.
     */
    private long download(RegistryClient client, String repository, Descriptor layer, Path partial) throws IOException {
        long fetched = 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have > layer.size()) {
                Files.delete(partial);
                have = 0;
            }
            // from scratch the digest is computed on the way; a resumed file is read again once complete
            MessageDigest running = have == 0 ? Sha256.newDigest() : null;
            if (have < layer.size()) {
                try (InputStream in = client.openBlob(repository, layer.digest(), have);
                     OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                     OutputStream out = running == null ? file : new java.security.DigestOutputStream(file, running)) {
                    fetched += in.transferTo(out);
                }
            }
            String actual = running != null ? Sha256.of(running) : Sha256.of(partial);
            if (actual.equals(layer.digest())) {
                return fetched;
            }
            Files.delete(partial);
        }
        throw new InvalidArchiveException("layer " + layer.digest() + " downloaded from " + client.registry()
                + " does not match its digest");
    }

    private FileChannel lockFile(String digest) throws IOException {
        Files.createDirectories(downloads);
        return FileChannel.open(Confined.resolve(downloads, Sha256.hex(digest) + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
    }

    /**
     * Digests from a registry become URLs, file names and layer directories: each is checked before
     * anything is fetched or created, and a crafted one refuses the whole image, naming the field.
     */
    private static String checkDigest(Reference ref, String field, String digest) {
        return checked(ref, () -> Identifiers.digest(field, digest));
    }

    /** A manifest, index or digest as OciDocuments or Identifiers check it; a refusal names the image. */
    private static <T> T checked(Reference ref, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException | InvalidArchiveException e) {
            throw new InvalidArchiveException("image " + ref + " is refused: " + e.getMessage(), e);
        }
    }

}
