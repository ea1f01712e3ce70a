package io.ferry.registry;

import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Raw HTTP against the registry for conformance tests: every request and header as a client sends it. */
public final class V2 {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String user;
    private final String password;

    public V2(int port) {
        this(port, TestUsers.USER, TestUsers.PASSWORD);
    }

    /** A client whose {@link #authed} and {@link #pushBlob} use this user's credentials. */
    public V2(int port, String user, String password) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.user = user;
        this.password = password;
    }

    public URI base() {
        return base;
    }

    public HttpResponse<String> send(HttpRequest.Builder rb) {
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendBytes(HttpRequest.Builder rb) {
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    /** A request carrying a token for {@code scope} obtained with this client's credentials. */
    public HttpRequest.Builder authed(String path, String scope) {
        return request(path).header("Authorization", "Bearer " + token(user, password, scope));
    }

    public String token(String user, String password, String scope) {
        HttpRequest.Builder rb = request("/token?service=ferry-registry&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (user != null) {
            rb.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = send(rb.GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("token").asString();
    }

    public static String push(String repo) {
        return "repository:" + repo + ":pull,push";
    }

    public static String pull(String repo) {
        return "repository:" + repo + ":pull";
    }

    public static String digest(byte[] b) {
        return io.ferry.core.oci.Sha256.of(b);
    }

    public static JsonNode json(String body) {
        return Json.MAPPER.readTree(body);
    }

    /** The spec error code of an error response body. */
    public static String errorCode(HttpResponse<String> r) {
        return json(r.body()).path("errors").path(0).path("code").asString();
    }

    /** Uploads a blob monolithically; returns its digest. */
    public String pushBlob(String repo, byte[] content) {
        String d = digest(content);
        HttpResponse<String> r = send(authed("/v2/" + repo + "/blobs/uploads/?digest=" + d, push(repo))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("blob push failed: " + r.statusCode() + " " + r.body());
        }
        return d;
    }
}
