package io.ferry.registry;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.registry.BlobUpload;
import io.ferry.core.registry.Credentials;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.registry.RegistryException;
import io.ferry.registry.storage.BlobFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fast blob path end to end, bodies larger than every buffer on the way (the registry's 256 KiB
 * copy buffer, Tomcat's 64 KiB reads, the client's 256 KiB chunks): ferry-core's client over a plain
 * socket (one PUT with sendfile, one chunked PATCH, GETs with ranges) against registry-service, and the
 * checks that must hold however fast it is: a wrong digest or a short body stores nothing, a download
 * that does not match its digest fails.
 */
class BlobPathTest extends RegistryServerTest {
    /** Not a multiple of any buffer size, so every copy loop ends on a partial buffer. */
    static final int SIZE = 3 * (1 << 20) + 12345;

    @Autowired
    BlobFiles blobFiles;

    RegistryClient client;
    String repo;
    V2 v2;

    @BeforeEach
    void client() {
        client = new RegistryClient("127.0.0.1:" + port, Credentials.parse("ferry:secret"), true);
        repo = "blobpath/r" + UUID.randomUUID().toString().substring(0, 8);
        v2 = new V2(port);
    }

    @AfterEach
    void nothingIsLeftInTheTemporaryDirectory() throws IOException {
        try (Stream<Path> left = Files.list(DATA.resolve("tmp"))) {
            assertThat(left).as("temporary files of finished requests").isEmpty();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFilePushedInOnePutComesBackWholeAndFromAnOffset(@TempDir Path dir) throws IOException {
        byte[] content = random(SIZE, 1);
        Path file = Files.write(dir.resolve("blob"), content);
        String digest = V2.digest(content);

        client.pushBlob(repo, digest, file);

        assertThat(blobFiles.exists(digest)).isTrue();
        assertThat(Files.size(blobFiles.path(digest))).isEqualTo(SIZE);
        assertThat(read(client.openBlob(repo, digest, 0))).isEqualTo(content);
        int offset = SIZE - 300_001;
        assertThat(read(client.openBlob(repo, digest, offset))).isEqualTo(Arrays.copyOfRange(content, offset, SIZE));
    }

    @Test
    void aPushedFileWithTheWrongDigestIsRefusedAndNothingIsStored(@TempDir Path dir) throws IOException {
        byte[] content = random(SIZE, 2);
        Path file = Files.write(dir.resolve("blob"), content);
        String wrong = V2.digest("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.pushBlob(repo, wrong, file)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("DIGEST_INVALID");

        assertThat(blobFiles.exists(wrong)).isFalse();
        assertThat(blobFiles.exists(V2.digest(content))).isFalse();
    }

    @Test
    void aStreamedUploadInOddWritesIsStoredUnderTheDigestComputedOnTheWay() throws IOException {
        byte[] content = random(SIZE, 3);
        BlobUpload upload = client.streamBlob(repo);
        for (int at = 0; at < SIZE; ) { // writes smaller and larger than a chunk
            int n = Math.min(SIZE - at, at % 2 == 0 ? 1000 : 700_001);
            upload.write(content, at, n);
            at += n;
        }
        BlobUpload.Result result = upload.finish();

        assertThat(result.digest()).isEqualTo(V2.digest(content));
        assertThat(result.size()).isEqualTo(SIZE);
        assertThat(read(client.openBlob(repo, result.digest(), 0))).isEqualTo(content);
    }

    @Test
    void anAbortedStreamedUploadStoresNothing() throws IOException {
        byte[] content = random(SIZE, 4);
        BlobUpload upload = client.streamBlob(repo);
        upload.write(content, 0, SIZE / 2);
        upload.abort();

        assertThat(blobFiles.exists(V2.digest(Arrays.copyOf(content, SIZE / 2)))).isFalse();
        assertThat(blobFiles.exists(V2.digest(content))).isFalse();
    }

    @Test
    void aDownloadThatDoesNotMatchItsDigestFailsAtItsEnd(@TempDir Path dir) throws IOException {
        byte[] content = random(SIZE, 5);
        String digest = V2.digest(content);
        client.pushBlob(repo, digest, Files.write(dir.resolve("blob"), content));
        try (RandomAccessFile f = new RandomAccessFile(blobFiles.path(digest).toFile(), "rw")) {
            f.seek(SIZE - 10); // same length, one byte changed on the registry's disk
            f.write(content[SIZE - 10] ^ 1);
        }

        try (InputStream in = CheckpointArtifacts.verifying(client.openBlob(repo, digest, 0), digest, SIZE)) {
            assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream())).isInstanceOf(IOException.class)
                    .hasMessageContaining("the manifest says " + digest);
        }
    }

    @Test
    void aMonolithicUploadWithTheWrongDigestOverManyBuffersStoresNothing() {
        byte[] content = random(SIZE, 6);
        String wrong = V2.digest(Arrays.copyOf(content, SIZE - 1)); // all but the last byte
        HttpResponse<String> r = v2.send(v2.authed("/v2/" + repo + "/blobs/uploads/?digest=" + wrong, V2.push(repo))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(V2.errorCode(r)).isEqualTo("DIGEST_INVALID");
        assertThat(blobFiles.exists(wrong)).isFalse();
        assertThat(blobFiles.exists(V2.digest(content))).isFalse();
    }

    @Test
    void aBodyShorterThanItsContentLengthStoresNothing() throws IOException {
        byte[] content = random(SIZE, 7);
        String digest = V2.digest(content);
        String token = v2.token("ferry", "secret", V2.push(repo));
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v2/" + repo + "/blobs/uploads/?digest=" + digest + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + SIZE + "\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(content, 0, SIZE - 1); // one byte short, past several buffers; then the client goes away
            out.flush();
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }

        assertThat(blobFiles.exists(digest)).isFalse();
        assertThat(blobFiles.exists(V2.digest(Arrays.copyOf(content, SIZE - 1)))).isFalse();
    }
}
