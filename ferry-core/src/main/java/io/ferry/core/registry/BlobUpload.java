package io.ferry.core.registry;

import io.ferry.core.oci.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A blob streamed to a registry while it is produced (a checkpoint archive being written): bytes
 * written here go into one PATCH request; {@link #finish()} sends PUT ?digest= with the sha256
 * computed on the way (each byte hashed once, in the writer's thread). Nothing is staged on disk.
 * Over plain http the PATCH is written straight to the socket in {@link DirectHttp#BUFFER}-sized
 * chunks of a chunked body; otherwise (TLS, an upload Location elsewhere) bytes go through a pipe
 * to the JDK's HttpClient.
 */
public final class BlobUpload extends OutputStream {
    private static final int PIPE = 1 << 20;

    private final RegistryClient client;
    private final String repository;
    private final URI location;
    private final PipedOutputStream pipe;
    private final CompletableFuture<HttpResponse<byte[]>> patch;
    /** The direct PATCH (null: through the pipe) and what is gathered for its next chunk. */
    private final DirectHttp direct;
    private final byte[] chunk;
    private int buffered;
    private final MessageDigest sha;
    private long size;
    private boolean closed;

    BlobUpload(RegistryClient client, String repository, URI location) {
        this.client = client;
        this.repository = repository;
        this.location = location;
        this.sha = Sha256.newDigest();
        this.direct = client.direct(location) ? openDirect(client, repository, location) : null;
        if (direct != null) {
            this.chunk = new byte[DirectHttp.BUFFER];
            this.pipe = null;
            this.patch = null;
            return;
        }
        this.chunk = null;
        try {
            PipedInputStream in = new PipedInputStream(PIPE);
            this.pipe = new PipedOutputStream(in);
            this.patch = CompletableFuture.supplyAsync(() ->
                    client.patchStream(repository, location, HttpRequest.BodyPublishers.ofInputStream(() -> in)),
                    r -> {
                        Thread t = new Thread(r, "ferry-blob-upload");
                        t.setDaemon(true);
                        t.start();
                    });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PATCH's request head on a socket of its own; the token is fresh (the body cannot be replayed). */
    private static DirectHttp openDirect(RegistryClient client, String repository, URI location) {
        DirectHttp http = null;
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            String token = client.bearer(RegistryClient.pushScope(repository), true);
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            headers.put("Content-Type", "application/octet-stream");
            http = DirectHttp.connect(location);
            http.head("PATCH", location, headers, -1);
            return http;
        } catch (IOException e) {
            if (http != null) {
                try {
                    http.close();
                } catch (IOException ignored) {
                    // never used
                }
            }
            throw new RegistryException("cannot upload to registry " + client.registry() + ": "
                    + RegistryClient.reason(e), e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (direct != null) {
            if (closed) {
                throw new IOException("upload is closed");
            }
            sha.update(b, off, len);
            size += len;
            while (len > 0) {
                int n = Math.min(len, chunk.length - buffered);
                System.arraycopy(b, off, chunk, buffered, n);
                buffered += n;
                off += n;
                len -= n;
                if (buffered == chunk.length) {
                    sendChunk();
                }
            }
            return;
        }
        if (patch.isDone() && !closed) { // the request ended early: surface its error instead of blocking
            throw new IOException("upload to " + client.registry() + " ended early: " + failure());
        }
        pipe.write(b, off, len);
        sha.update(b, off, len);
        size += len;
    }

    /** Ends the stream, waits for the PATCH, and commits the blob; returns its digest. */
    public Result finish() throws IOException {
        URI next;
        if (direct != null) {
            next = finishDirect();
        } else {
            close();
            HttpResponse<byte[]> r = await();
            if (r.statusCode() != 202) {
                throw client.refused(r.statusCode(), r.body(), "PATCH upload");
            }
            next = r.headers().firstValue("Location").map(location::resolve).orElse(location);
        }
        String digest = Sha256.of(sha);
        HttpResponse<byte[]> put = client.finishUpload(repository, next, digest);
        if (put.statusCode() != 201) {
            throw client.refused(put.statusCode(), put.body(), "PUT upload " + digest);
        }
        return new Result(digest, size);
    }

    public record Result(String digest, long size) {
    }

    private void sendChunk() throws IOException {
        try {
            direct.chunk(chunk, 0, buffered);
            buffered = 0;
        } catch (IOException e) {
            throw endedEarly(e);
        }
    }

    /** The last chunks and the PATCH's answer; returns where the PUT goes. */
    private URI finishDirect() throws IOException {
        if (closed) {
            throw new IOException("upload is closed");
        }
        closed = true;
        try (DirectHttp http = direct) {
            if (buffered > 0) {
                sendChunk();
            }
            try {
                http.chunk(chunk, 0, 0);
            } catch (IOException e) {
                throw endedEarly(e);
            }
            DirectHttp.Answer a = http.answer();
            if (a.status() != 202) {
                throw client.refused(a.status(), http.smallBody(a, 64 * 1024), "PATCH upload");
            }
            String next = a.header("location");
            return next == null ? location : location.resolve(next);
        }
    }

    /** The registry stopped reading (it refused the upload, or went away): its answer, if it gave one, says why. */
    private IOException endedEarly(IOException e) {
        String why;
        try {
            DirectHttp.Answer a = direct.answer();
            why = client.refused(a.status(), direct.smallBody(a, 64 * 1024), "PATCH upload").getMessage();
        } catch (IOException | RuntimeException none) {
            why = RegistryClient.reason(e);
        }
        abort();
        return new IOException("upload to " + client.registry() + " ended early: " + why, e);
    }

    @Override
    public void close() throws IOException {
        if (direct != null) {
            return; // the PATCH ends in finish() (or abort()): ending it here would commit a cut-off body
        }
        if (!closed) {
            closed = true;
            pipe.close();
        }
    }

    /** Gives up: the pipe is closed so the request ends; the registry's GC removes the session. */
    public void abort() {
        if (direct != null) {
            closed = true;
            try {
                direct.close(); // without the last chunk: the registry sees a broken body and keeps nothing
            } catch (IOException ignored) {
                // already broken
            }
            return;
        }
        try {
            close();
        } catch (IOException ignored) {
            // already broken
        }
        patch.cancel(true);
    }

    private HttpResponse<byte[]> await() throws IOException {
        try {
            return patch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("upload to " + client.registry() + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private String failure() {
        try {
            HttpResponse<byte[]> r = patch.getNow(null);
            return r == null ? "unknown" : "HTTP " + r.statusCode();
        } catch (RuntimeException e) {
            return String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
    }
}
