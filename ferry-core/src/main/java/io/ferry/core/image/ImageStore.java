package io.ferry.core.image;

import io.ferry.core.error.NotFoundException;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;
import io.ferry.core.os.Confined;
import io.ferry.core.os.FileTrees;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.Compression;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The host's images: layers unpacked once under {@code layers/<sha256>/diff} and never written again
 * (containers get them as overlayfs lower layers), image records under {@code images/<id>.json}.
 */
public final class ImageStore {
    private final Path layersDir;
    private final Path recordsDir;
    private final ArchiveLimits limits;

    public ImageStore(Path dir, ArchiveLimits limits) {
        this.layersDir = dir.resolve("layers");
        this.recordsDir = dir.resolve("images");
        this.limits = limits;
    }

    /** {@code ferry image import rootfs.tar REF}: a single-layer image from a (possibly compressed) rootfs tarball. */
    public Image importRootfs(InputStream tarball, String ref) {
        String name = ImageRefs.normalize(ref);
        String layer = storeLayer(tarball);
        return register(name, List.of(layer));
    }

    /** The unpacked size of a layer, as recorded when it was stored. */
    private long layerSize(String digest) {
        try {
            return Long.parseLong(Files.readString(layerDir(digest).resolve("size")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Unpacks a rootfs tar (compression detected) unless a layer with its digest is already there. */
    public String storeLayer(InputStream compressed) {
        return storeLayer(compressed, null, false);
    }

    public boolean hasLayer(String diffId) {
        return Files.isDirectory(layerDir(diffId).resolve("diff"));
    }

    /**
     * Unpacks a layer tar (compression detected) into {@code layers/<diff id>}, via a temporary
     * directory renamed into place so a half-unpacked layer is never used. The diff id (sha256 of
     * the uncompressed tar) must equal {@code expectedDiffId} when one is given.
     */
    public String storeLayer(InputStream compressed, String expectedDiffId, boolean ociWhiteouts) {
        Path tmp = layersDir.resolve(".tmp-" + UUID.randomUUID());
        try {
            FileTrees.createPrivateDirectories(tmp); // renamed to layers/<digest>: root's alone
            MessageDigest sha = Sha256.newDigest();
            try (InputStream in = new DigestInputStream(Compression.decompress(compressed), sha)) {
                SafeExtractor.Stats stats = new SafeExtractor(limits, SafeExtractor.Links.ROOTFS, ociWhiteouts)
                        .extract(in, tmp.resolve("diff"));
                in.transferTo(OutputStream.nullOutputStream()); // tar padding still counts toward the digest
                Files.writeString(tmp.resolve("size"), Long.toString(stats.bytes()));
            }
            String digest = Sha256.of(sha);
            if (expectedDiffId != null && !expectedDiffId.equals(digest)) {
                throw new io.ferry.core.error.InvalidArchiveException("layer content has digest " + digest
                        + ", but the image config says " + expectedDiffId);
            }
            Path dir = layerDir(digest);
            if (Files.isDirectory(dir)) {
                FileTrees.deleteRecursively(tmp);
            } else {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE); // a half-unpacked layer is never visible
            }
            return digest;
        } catch (IOException e) {
            FileTrees.deleteRecursively(tmp);
            throw new UncheckedIOException("cannot store image layer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            FileTrees.deleteRecursively(tmp);
            throw e;
        }
    }

    /** A checkpoint image's layer: the archive blob as it came, never unpacked (it is no root filesystem). */
    static final String ARCHIVE_FILE = "checkpoint.tar";

    /**
     * Keeps {@code blob} (a checkpoint archive, maybe compressed: a checkpoint image's one layer) under
     * {@code layers/<diff id>/checkpoint.tar}, moved there; its diff id (the sha256 of the uncompressed tar,
     * read within the limits' expansion ratio) must equal {@code expectedDiffId} when one is given.
     */
    public String storeArchiveLayer(Path blob, String expectedDiffId) {
        try {
            MessageDigest sha = Sha256.newDigest();
            try (InputStream in = Compression.decompress(Files.newInputStream(blob), limits)) {
                in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), sha));
            }
            String diffId = Sha256.of(sha);
            if (expectedDiffId != null && !expectedDiffId.equals(diffId)) {
                throw new io.ferry.core.error.InvalidArchiveException("layer content has digest " + diffId
                        + ", but the image config says " + expectedDiffId);
            }
            Path dir = layerDir(diffId);
            if (Files.isRegularFile(dir.resolve(ARCHIVE_FILE))) {
                Files.delete(blob);
                return diffId;
            }
            Path tmp = layersDir.resolve(".tmp-" + UUID.randomUUID());
            FileTrees.createPrivateDirectories(tmp);
            Files.move(blob, tmp.resolve(ARCHIVE_FILE));
            Files.writeString(tmp.resolve("size"), Long.toString(Files.size(tmp.resolve(ARCHIVE_FILE))));
            if (Files.isDirectory(dir)) { // the same tar also unpacked as a plain image's layer
                Files.move(tmp.resolve(ARCHIVE_FILE), dir.resolve(ARCHIVE_FILE), StandardCopyOption.ATOMIC_MOVE);
                FileTrees.deleteRecursively(tmp);
            } else {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE); // never half there
            }
            return diffId;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the checkpoint image layer: " + e.getMessage(), e);
        }
    }

    public boolean hasArchiveLayer(String diffId) {
        return Files.isRegularFile(layerDir(diffId).resolve(ARCHIVE_FILE));
    }

    /** The archive a checkpoint image's layer holds (its signature, when it has one, beside it as {@code .sig}). */
    public Path archiveLayer(String diffId) {
        return layerDir(diffId).resolve(ARCHIVE_FILE);
    }

    /** Points {@code name} at the checkpoint image of this archive layer, with its manifest's annotations. */
    public synchronized Image registerCheckpoint(String name, String layer, String id, Map<String, String> annotations) {
        checkIdentifiers(id, List.of(layer));
        if (!hasArchiveLayer(layer)) {
            throw new IllegalStateException("the checkpoint archive layer " + layer + " is not stored here");
        }
        takeName(name, id);
        List<String> names = new ArrayList<>(find(id).map(Image::names).orElse(List.of()));
        if (!names.contains(name)) {
            names.add(name);
        }
        Image image = new Image(id, List.copyOf(names), List.of(layer), Instant.now(), layerSize(layer),
                Map.copyOf(annotations));
        save(image);
        return image;
    }

    private void takeName(String name, String id) {
        for (Image other : list()) {
            if (!other.id().equals(id) && other.names().contains(name)) {
                List<String> names = new ArrayList<>(other.names());
                names.remove(name);
                save(other.withNames(names));
            }
        }
    }

    /** Points {@code name} at the image made of these layers, taking the name from any other image. */
    public Image register(String name, List<String> layers) {
        return register(name, layers, imageId(layers));
    }

    /** As {@link #register(String, List)}, with the id given (a pulled image's config digest). */
    public synchronized Image register(String name, List<String> layers, String id) {
        checkIdentifiers(id, layers);
        takeName(name, id);
        Image image = find(id).orElse(new Image(id, List.of(), layers, Instant.now(), layersSize(layers)));
        if (!image.names().contains(name)) {
            List<String> names = new ArrayList<>(image.names());
            names.add(name);
            image = image.withNames(names);
        }
        save(image);
        return image;
    }

    /** By reference ("busybox" = "busybox:latest"), full id or unique id prefix. */
    public Optional<Image> find(String refOrId) {
        List<Image> all = list();
        String asRef;
        try {
            asRef = ImageRefs.normalize(refOrId);
        } catch (IllegalArgumentException e) {
            asRef = refOrId;
        }
        for (Image i : all) {
            if (i.id().equals(refOrId) || i.names().contains(asRef)) {
                return Optional.of(i);
            }
        }
        List<Image> byPrefix = all.stream().filter(i -> refOrId.length() >= 4 && i.id().startsWith(refOrId)).toList();
        return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
    }

    public Image get(String refOrId) {
        return find(refOrId).orElseThrow(() -> NotFoundException.image(refOrId));
    }

    public List<Image> list() {
        if (!Files.isDirectory(recordsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(recordsDir)) {
            return files.filter(p -> p.toString().endsWith(".json"))
                    .map(ImageStore::readChecked).sorted((a, b) -> b.created().compareTo(a.created())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the image record, and the layers no other image uses. The caller checks containers. */
    public synchronized void remove(Image image) {
        try {
            Files.deleteIfExists(recordFile(image.id()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> stillUsed = list().stream().flatMap(i -> i.layers().stream()).toList();
        for (String layer : image.layers()) {
            if (!stillUsed.contains(layer)) {
                FileTrees.deleteRecursively(layerDir(layer));
            }
        }
    }

    /** Lower directories for overlayfs, top layer first. */
    public List<Path> lowerDirs(Image image) {
        if (image.checkpoint()) { // its layer is an archive: nothing to mount, nothing to build on
            String name = image.names().isEmpty() ? image.shortId() : image.names().get(0);
            throw new IllegalArgumentException("image " + name + " is a checkpoint image"
                    + CheckpointImageAnnotations.containerName(image.annotations()).map(c -> " of container " + c).orElse("")
                    + ", not a root filesystem: restore it with `ferry restore " + name + "` or `ferry run " + name
                    + "` (without a command)");
        }
        List<Path> dirs = new ArrayList<>();
        for (int i = image.layers().size() - 1; i >= 0; i--) {
            dirs.add(layerDir(image.layers().get(i)).resolve("diff"));
        }
        return dirs;
    }

    /** The unpacked content of a layer (what overlayfs mounts). */
    public Path layerContent(String diffId) {
        return layerDir(diffId).resolve("diff");
    }

    /** Layers are named by diff id, checked before it becomes a path: "sha256:../x" must not reach outside. */
    private Path layerDir(String digest) {
        return Confined.resolve(layersDir, Sha256.hex(Identifiers.digest("layer diff id", digest)));
    }

    private Path recordFile(String id) {
        return Confined.resolve(recordsDir, Identifiers.imageId("image id", id) + ".json");
    }

    private static void checkIdentifiers(String id, List<String> layers) {
        Identifiers.imageId("image id", id);
        for (int i = 0; i < layers.size(); i++) {
            Identifiers.digest("layers[" + i + "]", layers.get(i));
        }
    }

    /** An image record as written: valid id and layer digests, stored under its own id. */
    private static Image readChecked(Path file) {
        return Json.readRecord(file, Image.class, "image", "remove it to go on", image -> {
            if (image.layers() == null || image.names() == null || image.created() == null) {
                throw new IllegalArgumentException("it has no layers, names or creation time");
            }
            checkIdentifiers(image.id(), image.layers());
            if (!file.getFileName().toString().equals(image.id() + ".json")) {
                throw new IllegalArgumentException("it names image " + image.id() + " but is stored as "
                        + Identifiers.quote(file.getFileName().toString()));
            }
        });
    }

    private void save(Image image) {
        FileTrees.createPrivateDirectories(recordsDir);
        Json.write(recordFile(image.id()), image);
    }

    private long layersSize(List<String> layers) {
        return layers.stream().mapToLong(this::layerSize).sum();
    }

    static String imageId(List<String> layers) {
        return Sha256.hex(Sha256.of(String.join("\n", layers).getBytes(StandardCharsets.UTF_8)));
    }
}
