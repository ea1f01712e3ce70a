package io.ferry.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry played by the test: answers what it is told per path, 404 otherwise, and records every
 * request with its Authorization header, so a test can prove what a client did or did not send it.
 */
public final class FakeRegistry implements AutoCloseable {
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Response> responses = new ConcurrentHashMap<>();

    /** What was asked: method, path (with query) and the Authorization header (null when none). */
    public record Request(String method, String path, String authorization) {
    }

    /** A canned answer. */
    public record Response(int status, Map<String, String> headers, String body) {
    }

    private FakeRegistry(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeRegistry start() {
        try {
            return new FakeRegistry(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port, as references and auth files name it. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://" + address() + path;
    }

    /** Answers requests to {@code path} (without query) with the given status, headers and body. */
    public FakeRegistry on(String path, int status, Map<String, String> headers, String body) {
        responses.put(path, new Response(status, headers, body));
        return this;
    }

    /** Challenges every {@code /v2/} request without a Bearer token, naming {@code realm}. */
    public FakeRegistry challenging(String realm) {
        return on("/v2/", 401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"fake\""), "");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every Authorization header received, in order. */
    public List<String> authorizations() {
        return requests.stream().map(Request::authorization).filter(a -> a != null).toList();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            requests.add(new Request(x.getRequestMethod(), x.getRequestURI().toString(),
                    x.getRequestHeaders().getFirst("Authorization")));
            x.getRequestBody().readAllBytes();
            Response r = responses.getOrDefault(x.getRequestURI().getPath(), new Response(404,
                    Map.of("Content-Type", "application/json"),
                    "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"not here\"}]}"));
            r.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(r.status(), body.length == 0 || "HEAD".equals(x.getRequestMethod()) ? -1 : body.length);
            if (body.length > 0 && !"HEAD".equals(x.getRequestMethod())) {
                x.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
