package io.ferry.core.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review of issue 11: {@link DirectHttp} reads a registry's answer itself, so a hostile or broken registry's
 * answer must end in an IOException (the caller's fallback or refusal), never an Error that escapes them.
 */
class DirectHttpHostileAnswerTest {

    @Test
    @Timeout(30) // the answer lost in a discarded buffer: the client waits for the registry, which waits for it
    void endlessInterimAnswersAreRefusedNotRecursedInto() throws Exception {
        byte[] interim = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread registry = new Thread(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    for (int i = 0; i < 2_000_000; i++) {
                        out.write(interim);
                    }
                } catch (IOException closedByTheClient) {
                    // expected: the client gives up
                }
            });
            registry.setDaemon(true);
            registry.start();
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/r/blobs/sha256:x");
            try (DirectHttp http = DirectHttp.connect(uri)) {
                http.head("GET", uri, Map.of(), -2);
                assertThatThrownBy(http::answer).isInstanceOf(IOException.class).hasMessageContaining("interim");
            }
        }
    }

    @Test
    @Timeout(30) // the answer lost in a discarded buffer: the client waits for the registry, which waits for it
    void theAnswerAfterA100ContinueInTheSameSegmentIsRead() throws Exception {
        byte[] answers = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /v2/r/blobs/sha256:x\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread registry = new Thread(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(answers); // one write: the client reads both answers in one read
                    s.getInputStream().readAllBytes();
                } catch (IOException closedByTheClient) {
                    // the client is done
                }
            });
            registry.setDaemon(true);
            registry.start();
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/r/blobs/uploads/1");
            try (DirectHttp http = DirectHttp.connect(uri)) {
                http.head("PUT", uri, Map.of(), 0);
                DirectHttp.Answer a = http.answer();
                org.assertj.core.api.Assertions.assertThat(a.status()).isEqualTo(201);
                org.assertj.core.api.Assertions.assertThat(a.header("location")).isEqualTo("/v2/r/blobs/sha256:x");
            }
        }
    }
}
