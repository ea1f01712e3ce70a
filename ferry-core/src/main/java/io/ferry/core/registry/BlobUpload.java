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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A blob streamed to a registry while it is produced (a checkpoint archive being written): bytes
 * written here go through a pipe into one PATCH request; {@link #finish()} sends PUT ?digest= with
 * the sha256 computed on the way. Nothing is staged on disk.
 */
public final class BlobUpload extends OutputStream {
    private static final int PIPE = 1 << 20;

    private final RegistryClient client;
    private final String repository;
    private final URI location;
    private final PipedOutputStream pipe;
    private final CompletableFuture<HttpResponse<byte[]>> patch;
    private final MessageDigest sha;
    private long size;
    private boolean closed;

    BlobUpload(RegistryClient client, String repository, URI location) {
        this.client = client;
        this.repository = repository;
        this.location = location;
        try {
            this.sha = Sha256.newDigest();
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

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (patch.isDone() && !closed) { // the request ended early: surface its error instead of blocking
            throw new IOException("upload to " + client.registry() + " ended early: " + failure());
        }
        pipe.write(b, off, len);
        sha.update(b, off, len);
        size += len;
    }

    /** Ends the stream, waits for the PATCH, and commits the blob; returns its digest. */
    public Result finish() throws IOException {
        close();
        HttpResponse<byte[]> r = await();
        if (r.statusCode() != 202) {
            throw client.refused(r.statusCode(), r.body(), "PATCH upload");
        }
        String digest = Sha256.of(sha);
        URI next = r.headers().firstValue("Location").map(location::resolve).orElse(location);
        HttpResponse<byte[]> put = client.finishUpload(repository, next, digest);
        if (put.statusCode() != 201) {
            throw client.refused(put.statusCode(), put.body(), "PUT upload " + digest);
        }
        return new Result(digest, size);
    }

    public record Result(String digest, long size) {
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            pipe.close();
        }
    }

    /** Gives up: the pipe is closed so the request ends; the registry's GC removes the session. */
    public void abort() {
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
