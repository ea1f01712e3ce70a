package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.host.Host;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.HostKeys;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoint archives encrypted at rest: the one entry to the format ({@link StreamHeader}, chunked
 * AES-256-GCM). Two ways to hand over the key:
 * <ul>
 *   <li>a registry blob: the caller holds the {@link ArchiveKey} (a migration's, sent to the target
 *   wrapped, over the authenticated channel); the header names no recipient;</li>
 *   <li>a file export: a fresh key, wrapped to each recipient host and written into the header
 *   ({@code HOST WRAPPED-KEY} lines), opened on the recipient with its {@link HostKeys}.</li>
 * </ul>
 */
public final class EncryptedArchives {
    private static final int MAX_RECIPIENTS = 64;

    private EncryptedArchives() {
    }

    /** True when the stream starts with the encrypted format's magic; the stream is not advanced. */
    public static boolean isEncrypted(BufferedInputStream in) throws IOException {
        in.mark(StreamHeader.MAGIC.length);
        byte[] start = in.readNBytes(StreamHeader.MAGIC.length);
        in.reset();
        return StreamHeader.isEncrypted(start, start.length);
    }

    /** Encrypts into {@code out} with {@code key} (a registry blob: the key travels separately). */
    public static OutputStream encrypt(OutputStream out, ArchiveKey key) throws IOException {
        return new EncryptingOutputStream(out, key, StreamHeader.create(StreamHeader.DEFAULT_CHUNK, ""));
    }

    /** As {@link #encrypt(OutputStream, ArchiveKey)} in chunks of another size (tests, measurements). */
    public static OutputStream encrypt(OutputStream out, ArchiveKey key, int chunkSize) throws IOException {
        return new EncryptingOutputStream(out, key, StreamHeader.create(chunkSize, ""));
    }

    /** The plaintext of an archive encrypted with {@code key}; reading it fails at the first chunk that is not authentic. */
    public static InputStream decrypt(InputStream in, ArchiveKey key) throws IOException {
        return new DecryptingInputStream(in, key, StreamHeader.read(in));
    }

    /** Encrypts into {@code out} with a fresh key, wrapped to each recipient in the header (a file export). */
    public static OutputStream encryptTo(OutputStream out, List<HostIdentity> recipients) throws IOException {
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("an encrypted export needs 1.." + MAX_RECIPIENTS + " recipients");
        }
        ArchiveKey key = ArchiveKey.generate();
        try {
            StringBuilder lines = new StringBuilder();
            for (HostIdentity r : recipients) {
                lines.append(r.hostId()).append(' ')
                        .append(KeyWrap.wrap(key, r.encryptionKey(), KeyWrap.exportContext(r.hostId()))).append('\n');
            }
            return new EncryptingOutputStream(out, key, StreamHeader.create(StreamHeader.DEFAULT_CHUNK, lines.toString()));
        } finally {
            key.destroy(); // the cipher keeps its own copy
        }
    }

    /**
     * The plaintext of an encrypted export, with the key wrapped to this host ({@code keys}); refused
     * clearly when this host is not one of the archive's recipients. {@code what} names the archive.
     */
    public static InputStream decryptFor(InputStream in, HostKeys keys, String what) throws IOException {
        StreamHeader header = StreamHeader.read(in);
        List<String[]> recipients = recipients(header, what);
        HostIdentity self = keys.identity();
        for (String[] r : recipients) {
            if (KeyWrap.isFor(r[1], self.encryptionKey())) {
                ArchiveKey key = KeyWrap.unwrap(r[1], self.encryptionKey(), keys.encryptionPrivateKey(),
                        KeyWrap.exportContext(keys.hostId()));
                try {
                    return new DecryptingInputStream(in, key, header);
                } finally {
                    key.destroy();
                }
            }
        }
        throw new InvalidArchiveException(what + " is encrypted to " + (recipients.isEmpty() ? "no host in its header"
                + " (a registry blob: its key comes with the migration)" : "host(s) "
                + String.join(", ", recipients.stream().map(r -> r[0]).toList())) + "; this host (" + keys.hostId()
                + ", key " + self.fingerprint() + ") is not one of its recipients");
    }

    /** The hosts an encrypted export names as its recipients (unauthenticated until its first chunk is read). */
    private static List<String[]> recipients(StreamHeader header, String what) {
        List<String[]> out = new ArrayList<>();
        if (header.recipients().isEmpty()) {
            return out;
        }
        String[] lines = header.recipients().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            String[] f = lines[i].split(" ", -1);
            if (f.length != 2 || !validHost(f[0]) || out.size() == MAX_RECIPIENTS) {
                throw StreamHeader.notAuthentic("recipient " + (i + 1) + " of " + what + "'s header is malformed");
            }
            out.add(f);
        }
        return out;
    }

    private static boolean validHost(String id) {
        try {
            new Host(id, Path.of("/"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
