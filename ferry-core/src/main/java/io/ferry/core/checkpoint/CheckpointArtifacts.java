package io.ferry.core.checkpoint;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.OciDocuments;
import io.ferry.core.oci.Sha256;
import io.ferry.core.registry.BlobUpload;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.tar.Compression;
import io.ferry.protocol.ArchiveAnnotations;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Checkpoint archives as OCI artifacts (artifactType {@link MediaTypes#FERRY_CHECKPOINT}): the
 * archive is the one layer, the empty config {@code {}}, and the annotations say what a target needs
 * to know before downloading. Uploads and downloads stream; nothing is staged on disk.
 */
public final class CheckpointArtifacts {
    /** The layer of an encrypted archive: its media type + this (ocicrypt's and Podman's convention). */
    public static final String ENCRYPTED_SUFFIX = "+encrypted";
    /** Says how the archive layer is encrypted; never carries a key (that travels with the migration). */
    public static final String ENCRYPTION_ANNOTATION = "io.ferry.checkpoint.encryption";
    public static final String ENCRYPTION_SCHEME = "aes-256-gcm-stream-v1";
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private CheckpointArtifacts() {
    }

    /** Starts streaming an archive to the registry; write the archive into {@link BlobUpload}, then {@link #publish}. */
    public static BlobUpload startUpload(RegistryClient client, Reference ref) {
        return client.streamBlob(ref.repository());
    }

    /**
     * After the archive blob is committed: the empty config and the manifest with the annotations,
     * plus {@code extra} ones (the signature). Returns the manifest's digest.
     */
    public static String publish(RegistryClient client, Reference ref, BlobUpload.Result archive,
                                 CheckpointResult result, Compression compression, boolean encrypted,
                                 Map<String, String> extra) {
        if (!client.blobExists(ref.repository(), MediaTypes.EMPTY_DIGEST)) {
            client.pushBlob(ref.repository(), MediaTypes.EMPTY_DIGEST, EMPTY);
        }
        Map<String, String> annotations = CheckpointAnnotations.of(result.archived(), archive.size(),
                compression.displayName());
        annotations.putAll(extra);
        String title = result.name() + ".tar"
                + (compression == Compression.NONE ? "" : compression == Compression.ZSTD ? ".zst" : ".gz");
        Map<String, String> layerAnnotations = encrypted
                ? Map.of(ArchiveAnnotations.TITLE, title + ".enc", ENCRYPTION_ANNOTATION, ENCRYPTION_SCHEME)
                : Map.of(ArchiveAnnotations.TITLE, title);
        Descriptor layer = new Descriptor(MediaTypes.checkpointArchive(compression.displayName())
                + (encrypted ? ENCRYPTED_SUFFIX : ""), archive.digest(), archive.size()).withAnnotations(layerAnnotations);
        Descriptor config = new Descriptor(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_DIGEST, EMPTY.length, null, null, null,
                "e30=");
        ImageManifest manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, MediaTypes.FERRY_CHECKPOINT, config,
                List.of(layer), null, annotations);
        byte[] body = Json.bytes(manifest);
        client.putManifest(ref.repository(), ref.reference(), MediaTypes.OCI_MANIFEST, body);
        return Sha256.of(body); // what a restore pins: computed here, not taken from the registry's answer
    }

    /** A checkpoint artifact found in a registry: its annotations and its archive layer. */
    public record Artifact(Reference ref, String manifestDigest, Map<String, String> annotations, Descriptor archive) {
        /** The archive layer is encrypted (its media type ends in {@value #ENCRYPTED_SUFFIX}). */
        public boolean encrypted() {
            return archive.mediaType() != null && archive.mediaType().endsWith(ENCRYPTED_SUFFIX);
        }
    }

    public static Artifact describe(RegistryClient client, Reference ref) {
        RegistryClient.Manifest m = client.getManifest(ref.repository(), ref.reference());
        ImageManifest manifest = OciDocuments.manifest(m.content());
        if (!MediaTypes.FERRY_CHECKPOINT.equals(manifest.artifactType()) || manifest.layers() == null
                || manifest.layers().size() != 1) {
            throw new InvalidArchiveException(ref + " is not a Ferry checkpoint artifact (artifactType "
                    + manifest.artifactType() + ")");
        }
        return new Artifact(ref, m.digest(), manifest.annotations() == null ? Map.of() : manifest.annotations(),
                manifest.layers().get(0));
    }

    /**
     * The archive as a stream whose digest and size are checked as it is read: reaching the end with
     * other content than the manifest names is an {@link IOException} (the restore then fails before
     * anything is created).
     */
    public static InputStream open(RegistryClient client, Artifact artifact) {
        return verifying(client.openBlob(artifact.ref().repository(), artifact.archive().digest(), 0),
                artifact.archive().digest(), artifact.archive().size());
    }

    /** {@code in}, whose digest and size are checked as it is read (an IOException at the end if they differ). */
    public static InputStream verifying(InputStream in, String digest, long size) {
        return new VerifyingInputStream(in, digest, size);
    }

    private static final class VerifyingInputStream extends FilterInputStream {
        private final MessageDigest sha;
        private final String expected;
        private final long size;
        private long read;
        private boolean verified;

        VerifyingInputStream(InputStream in, String expected, long size) {
            super(in);
            this.expected = expected;
            this.size = size;
            this.sha = Sha256.newDigest();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /** In 256 KiB pieces: InputStream's own transferTo writes 8 KiB at a time. */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            byte[] buf = new byte[256 << 10];
            long total = 0;
            for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
                out.write(buf, 0, n);
                total += n;
            }
            return total;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sha.update(b, off, n);
                read += n;
                if (read > size) {
                    throw new IOException("archive is larger than the " + size + " bytes its manifest says");
                }
            } else if (n < 0 && !verified) {
                verified = true;
                String actual = Sha256.of(sha);
                if (read != size || !actual.equals(expected)) {
                    throw new IOException("archive download has digest " + actual + " and " + read
                            + " bytes; the manifest says " + expected + " and " + size + " bytes");
                }
            }
            return n;
        }
    }
}
