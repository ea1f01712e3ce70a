package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunked AES-256-GCM stream: round trips at the chunk edges, and every kind of tampering refused by chunk. */
class EncryptedStreamTest {
    private static final int CHUNK = StreamHeader.MIN_CHUNK;
    private static final int SEALED = CHUNK + ChunkCipher.TAG;
    private final ArchiveKey key = ArchiveKey.generate();

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = EncryptedArchives.encrypt(out, key, CHUNK)) {
            // odd write sizes: chunking must not depend on how the writer slices its data
            for (int off = 0; off < plain.length; off += 1000) {
                enc.write(plain, off, Math.min(1000, plain.length - off));
            }
        }
        return out.toByteArray();
    }

    private byte[] decrypt(byte[] sealed, ArchiveKey k) throws IOException {
        try (InputStream in = EncryptedArchives.decrypt(new ByteArrayInputStream(sealed), k)) {
            return in.readAllBytes();
        }
    }

    private static int header(byte[] sealed) {
        return StreamHeader.FIXED + (((sealed[StreamHeader.FIXED - 2] & 0xff) << 8) | (sealed[StreamHeader.FIXED - 1] & 0xff));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17})
    void roundTripsAtTheChunkEdges(int size) throws IOException {
        byte[] plain = random(size);
        byte[] sealed = encrypt(plain);
        int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
        assertThat(sealed).hasSize(header(sealed) + size + chunks * ChunkCipher.TAG);
        assertThat(decrypt(sealed, key)).isEqualTo(plain);
    }

    @Test
    void ciphertextShowsNothingOfThePlaintextAndTwoArchivesDiffer() throws IOException {
        byte[] zeros = new byte[2 * CHUNK];
        byte[] a = encrypt(zeros);
        byte[] b = encrypt(zeros);
        assertThat(Arrays.copyOfRange(a, header(a), header(a) + 64)).isNotEqualTo(new byte[64]);
        assertThat(Arrays.copyOfRange(a, header(a), a.length)).isNotEqualTo(Arrays.copyOfRange(b, header(b), b.length));
    }

    private void assertRefused(byte[] tampered, String message) {
        assertThatThrownBy(() -> decrypt(tampered, key)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageStartingWith("checkpoint archive is not authentic: ").hasMessageContaining(message);
    }

    @Test
    void aFlippedBitAnywhereIsRefusedAtItsChunk() throws IOException {
        byte[] sealed = encrypt(random(3 * CHUNK + 100));
        int h = header(sealed);
        byte[] inHeader = sealed.clone();
        inHeader[StreamHeader.FIXED - 3] ^= 1; // the nonce prefix: authenticated as every chunk's associated data
        assertRefused(inHeader, "chunk 0 failed authentication");
        byte[] inCiphertext = sealed.clone();
        inCiphertext[h + SEALED + 5] ^= 1;
        assertRefused(inCiphertext, "chunk 1 failed authentication");
        byte[] inTag = sealed.clone();
        inTag[sealed.length - 1] ^= (byte) 0x80;
        assertRefused(inTag, "chunk 3 failed authentication");
        byte[] version = sealed.clone();
        version[8] = 2;
        assertRefused(version, "format version 2 is not supported");
    }

    @Test
    void nothingOfATamperedChunkIsHandedOut() throws IOException {
        byte[] plain = random(3 * CHUNK);
        byte[] sealed = encrypt(plain);
        sealed[header(sealed) + SEALED + 1] ^= 1; // chunk 1
        InputStream in = EncryptedArchives.decrypt(new ByteArrayInputStream(sealed), key);
        byte[] first = in.readNBytes(CHUNK);
        assertThat(first).isEqualTo(Arrays.copyOf(plain, CHUNK));
        assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("chunk 1");
    }

    @Test
    void aTruncatedArchiveIsRefused() throws IOException {
        byte[] sealed = encrypt(random(3 * CHUNK + 100));
        int h = header(sealed);
        assertRefused(Arrays.copyOf(sealed, sealed.length - 1), "chunk 3 failed authentication");
        assertRefused(Arrays.copyOf(sealed, h + 2 * SEALED), "chunk 1 is not the last chunk it was written as: the archive was cut short");
        assertRefused(Arrays.copyOf(sealed, h + 5), "chunk 0 is truncated");
        assertRefused(Arrays.copyOf(sealed, h), "chunk 0 is truncated");
        assertRefused(Arrays.copyOf(sealed, 10), "its header is truncated");
    }

    @Test
    void swappedDroppedAndDuplicatedChunksAreRefused() throws IOException {
        byte[] sealed = encrypt(random(4 * CHUNK + 100));
        int h = header(sealed);
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, h + SEALED, swapped, h, SEALED);
        System.arraycopy(sealed, h, swapped, h + SEALED, SEALED);
        assertRefused(swapped, "chunk 0 failed authentication");
        byte[] dropped = new byte[sealed.length - SEALED];
        System.arraycopy(sealed, 0, dropped, 0, h + SEALED);
        System.arraycopy(sealed, h + 2 * SEALED, dropped, h + SEALED, sealed.length - h - 2 * SEALED);
        assertRefused(dropped, "chunk 1 failed authentication");
        byte[] duplicated = new byte[sealed.length + SEALED];
        System.arraycopy(sealed, 0, duplicated, 0, h + 2 * SEALED);
        System.arraycopy(sealed, h + SEALED, duplicated, h + 2 * SEALED, sealed.length - h - SEALED);
        assertRefused(duplicated, "chunk 2 failed authentication");
    }

    @Test
    void dataAppendedAfterTheLastChunkIsRefused() throws IOException {
        byte[] sealed = encrypt(random(2 * CHUNK)); // exactly two full chunks: the second is the last
        byte[] appended = Arrays.copyOf(sealed, sealed.length + 1);
        assertRefused(appended, "chunk 1 was written as the last chunk, yet more data follows it");
        byte[] twice = Arrays.copyOf(sealed, 2 * sealed.length);
        System.arraycopy(sealed, 0, twice, sealed.length, sealed.length);
        assertRefused(twice, "chunk 1 was written as the last chunk");
    }

    @Test
    void anotherKeyOpensNothing() throws IOException {
        byte[] sealed = encrypt(random(100));
        assertThatThrownBy(() -> decrypt(sealed, ArchiveKey.generate())).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("chunk 0 failed authentication").hasMessageContaining("encrypted with another key");
    }

    @Test
    void hostileHeaderFieldsAreRefusedBeforeAllocating() throws IOException {
        byte[] sealed = encrypt(random(10));
        byte[] huge = sealed.clone();
        huge[10] = 0x7f; // chunk size 2 GiB
        assertRefused(huge, "chunk size " + (0x7f000000 | CHUNK) + " is outside");
        byte[] notOurs = sealed.clone();
        notOurs[1] = 'X';
        assertRefused(notOurs, "does not start with the encrypted archive magic");
    }

    @Test
    void theKeyIsNeverPrinted() {
        assertThat(key.toString()).isEqualTo("ArchiveKey[redacted]");
    }
}
