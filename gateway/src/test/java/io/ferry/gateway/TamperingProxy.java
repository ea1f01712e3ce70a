package io.ferry.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.core.json.Json;
import io.ferry.core.oci.Sha256;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * A man in the middle of direct transfers: forwards them to the real endpoint (set once it is known),
 * and when {@link #tamper} is on, appends a zstd skippable frame to the body (the archive still unpacks,
 * but its bytes are no longer the ones the source hashed and signed) and answers the source with the
 * digest and size of what the source sent, so only the target's check can catch it.
 */
final class TamperingProxy implements AutoCloseable {
    private static final byte[] SKIPPABLE = {0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 'e', 'v', 'i', 'l'};
    private static final List<String> HEADERS = List.of("Ferry-Transfer-Authorization", "Ferry-Transfer-Expanded-Bytes",
            "Ferry-Transfer-Compression", "Ferry-Transfer-Wrapped-Key");
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    volatile String upstream;
    volatile boolean tamper;

    TamperingProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/transfers/", this::forward);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/transfers";
    }

    private void forward(HttpExchange ex) throws IOException {
        boolean bad = tamper;
        MessageDigest original = Sha256.newDigest();
        long[] count = {0};
        InputStream sent = new DigestInputStream(ex.getRequestBody(), original) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                count[0] += Math.max(n, 0);
                return n;
            }
        };
        InputStream body = bad ? new SequenceInputStream(sent, new ByteArrayInputStream(SKIPPABLE)) : sent;
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI().getPath()
                .substring("/transfers".length()))).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body));
        for (String h : HEADERS) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
                rb.header(h, v);
            }
        }
        int status;
        String answer;
        try {
            HttpResponse<String> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            answer = r.body();
            if (bad && status == 201) {
                ObjectNode o = (ObjectNode) Json.MAPPER.readTree(answer);
                o.put("digest", Sha256.of(original));
                o.put("size", count[0]);
                answer = o.toString();
            }
        } catch (IOException | InterruptedException e) {
            status = 502;
            answer = "upstream failed: " + e;
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
