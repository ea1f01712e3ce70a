package io.ferry.core.transfer;

import io.ferry.core.json.Json;
import io.ferry.core.trust.HostKeys;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The source's side of a direct transfer: an archive stream that goes, as it is written, in the body
 * of {@code PUT <endpoint>/<migration id>} on the target's restore-service (chunked, never buffered
 * whole), authorized by a signed {@link TransferStatement}. {@link #close} ends the body and waits for
 * the target's answer; anything but 201 with the same byte count fails the close (and so the checkpoint).
 */
public final class DirectTransfer extends OutputStream {
    public static final String EXPANDED_BYTES = "Ferry-Transfer-Expanded-Bytes";
    public static final String COMPRESSION = "Ferry-Transfer-Compression";
    public static final String WRAPPED_KEY = "Ferry-Transfer-Wrapped-Key";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final BodyPipe pipe;
    private final CompletableFuture<HttpResponse<String>> response;
    private final URI uri;
    private final Duration answerTimeout;
    private long written;
    private boolean closed;
    private Received received;

    /** What the target says it received. */
    public record Received(String digest, long size, String storage) {
    }

    private DirectTransfer(BodyPipe pipe, CompletableFuture<HttpResponse<String>> response, URI uri, Duration answerTimeout) {
        this.pipe = pipe;
        this.response = response;
        this.uri = uri;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Waits (up to {@code patience}) until the target's transfer endpoint accepts a connection: asked before the
     * container is frozen, so that a target restore-service that is (re)starting costs a few seconds of waiting,
     * not a failed migration, and one that is gone fails it before any downtime.
     *
     * @throws IOException saying what the last attempt met
     */
    public static void awaitReachable(String endpoint, Duration patience) throws IOException {
        URI uri = URI.create(endpoint);
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(uri.getHost(), port), 2_000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the target's transfer endpoint " + endpoint + " does not answer (" + e + ")"
                            + " after " + patience.toSeconds() + " s", e);
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + endpoint, e);
            }
        }
    }

    /**
     * Starts the request; bytes written go out as they come.
     *
     * @param endpoint the target's transfer endpoint (its heartbeat's), the migration id is appended
     */
    public static DirectTransfer open(String endpoint, TransferStatement statement, HostKeys keys,
                                      StagedTransfers.Announced announced, Duration answerTimeout) {
        URI uri = URI.create(endpoint.replaceAll("/+$", "") + "/" + statement.migrationId());
        BodyPipe pipe = new BodyPipe();
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .header(TransferStatement.HEADER, statement.header(keys))
                .header("Content-Type", "application/octet-stream")
                .header(EXPANDED_BYTES, Long.toString(announced.expandedBytes()))
                .header(COMPRESSION, announced.compression())
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> pipe.source));
        if (announced.wrappedKey() != null) {
            rb.header(WRAPPED_KEY, announced.wrappedKey());
        }
        CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofString());
        response.whenComplete((r, e) -> {
            if (e != null) {
                pipe.fail(e);
            } else if (r.statusCode() != 201) {
                pipe.fail(new IOException("the target answered " + r.statusCode() + ": " + r.body()));
            }
        });
        return new DirectTransfer(pipe, response, uri, answerTimeout);
    }

    @Override
    public void write(int b) throws IOException {
        open();
        pipe.sink.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        open();
        pipe.sink.write(b, off, len);
        written += len;
    }

    private void open() throws IOException {
        if (closed) {
            throw new IOException("the direct transfer to " + uri + " is closed");
        }
    }

    /** Gives up the transfer: the target sees the body fail, never a short archive that ends well. */
    public void abort() {
        if (!closed) {
            closed = true;
            pipe.abort();
            response.cancel(true);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        pipe.sink.close();
        HttpResponse<String> r;
        try {
            r = response.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + uri);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("the direct transfer to " + uri + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new IOException("the target " + uri + " did not answer within " + answerTimeout.toSeconds() + " s");
        }
        if (r.statusCode() != 201) {
            throw new IOException("the target refused the direct transfer to " + uri + ": " + r.statusCode() + " " + r.body());
        }
        JsonNode body = Json.MAPPER.readTree(r.body());
        received = new Received(body.path("digest").asString(null), body.path("size").asLong(-1),
                body.path("storage").asString(null));
        if (received.size() != written) {
            throw new IOException("the target " + uri + " received " + received.size() + " bytes of the " + written + " sent");
        }
    }

    /** The target's answer, after {@link #close}. */
    public Received received() {
        return received;
    }

    public long written() {
        return written;
    }
}
