package io.ferry.core.registry;

import io.ferry.core.json.Json;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of one registry speaking the OCI Distribution API, with the Docker token flow: the first
 * 401 tells the token endpoint (realm, service), tokens are fetched per scope with the credentials
 * and cached, and a request refused with 401 is retried once with a fresh token.
 *
 * <p>Credentials never leave the host they are configured for: the token request carries the
 * credentials configured for the realm's own host (none for a realm elsewhere: an anonymous token
 * request; none either when the registry itself has no credentials, for the token goes to it), a realm may not downgrade https to http, and redirects are followed here, not by the
 * HTTP client, so that an Authorization header goes only to the origin it was meant for.
 */
public final class RegistryClient {
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    /** A token older than this is refreshed before a request whose body cannot be sent twice. */
    private static final Duration FRESH = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 5;

    private final String registry;
    private final URI base;
    private final Function<String, Credentials> credentialsFor;
    private final HttpClient http;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile Challenge challenge;

    private record Token(String value, Instant fetched) {
    }

    /** The token endpoint; {@code realm == null} when the registry needs no authentication. */
    private record Challenge(String realm, String service) {
    }

    /** A client whose credentials are for this registry only (null: anonymous). */
    public RegistryClient(String registry, Credentials credentials, boolean plainHttp) {
        this(registry, credentials == null ? RegistryAuth.none() : RegistryAuth.of(registry, credentials), plainHttp);
    }

    /** A client that sends each host only the credentials {@code auth} configures for it. */
    public RegistryClient(String registry, RegistryAuth auth, boolean plainHttp) {
        this.registry = registry;
        this.base = URI.create((plainHttp ? "http://" : "https://") + registry);
        this.credentialsFor = auth::credentialsFor;
        // never the client's own redirects: it would forward the Authorization header to any host
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** localhost registries are spoken to over plain HTTP (as Docker and Podman do); others over TLS unless told. */
    public static boolean plainHttpByDefault(String registry) {
        String host = registry.replaceFirst(":\\d+$", "");
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    public String registry() {
        return registry;
    }

    /** A manifest as the registry returned it. */
    public record Manifest(byte[] content, String mediaType, String digest) {
    }

    public Manifest getManifest(String repository, String reference) {
        HttpResponse<byte[]> r = send(get(repository, "/manifests/" + reference).header("Accept", MANIFEST_ACCEPT),
                pull(repository), HttpResponse.BodyHandlers.ofByteArray());
        expect(r, 200, "GET manifest " + repository + ":" + reference);
        String digest = sha256(r.body());
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new RegistryException("manifest " + reference + " from " + registry + " has digest " + digest, 200,
                    "DIGEST_INVALID");
        }
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        JsonNode json = Json.MAPPER.readTree(r.body());
        if (json.has("mediaType")) {
            type = json.get("mediaType").asString(type);
        }
        return new Manifest(r.body(), type, digest);
    }

    public boolean blobExists(String repository, String digest) {
        HttpResponse<Void> r = send(request(repository, "/blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                pull(repository), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            return false;
        }
        expect(r, 200, "HEAD blob " + digest);
        return true;
    }

    /** The blob from byte {@code offset} on (Range request); the caller verifies the digest. */
    public InputStream openBlob(String repository, String digest, long offset) {
        InputStream direct = directGet(repository, digest, offset);
        if (direct != null) {
            return direct;
        }
        HttpRequest.Builder rb = get(repository, "/blobs/" + digest);
        if (offset > 0) {
            rb.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> r = send(rb, pull(repository), HttpResponse.BodyHandlers.ofInputStream());
        if (offset > 0 && r.statusCode() == 200) {
            try { // the registry ignored the range: skip what we have
                InputStream in = r.body();
                in.skipNBytes(offset);
                return in;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (r.statusCode() != (offset > 0 ? 206 : 200)) {
            throw refused(r.statusCode(), readSmall(r.body()), "GET blob " + digest);
        }
        return r.body();
    }

    public byte[] getBlob(String repository, String digest, int maxBytes) {
        try (InputStream in = openBlob(repository, digest, 0)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new RegistryException("blob " + digest + " is larger than " + maxBytes + " bytes", 200, "SIZE_INVALID");
            }
            if (!sha256(b).equals(digest)) {
                throw new RegistryException("blob " + digest + " from " + registry + " does not match its digest", 200,
                        "DIGEST_INVALID");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads a blob of known digest: POST opens a session, PUT ?digest= sends it whole. */
    public void pushBlob(String repository, String digest, HttpRequest.BodyPublisher body) {
        pushBlob(repository, digest, body, startUpload(repository));
    }

    private void pushBlob(String repository, String digest, HttpRequest.BodyPublisher body, URI location) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(withDigest(location, digest)).PUT(body)
                        .header("Content-Type", "application/octet-stream"), push(repository),
                HttpResponse.BodyHandlers.ofByteArray(), true);
        expect(r, 201, "PUT blob " + digest);
    }

    public void pushBlob(String repository, String digest, byte[] content) {
        pushBlob(repository, digest, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    /** A file of known digest: over plain http with sendfile in one PUT (see {@link DirectHttp}). */
    public void pushBlob(String repository, String digest, Path file) {
        URI location = startUpload(repository);
        if (direct(location) && directPut(repository, location, digest, file)) {
            return;
        }
        try {
            pushBlob(repository, digest, HttpRequest.BodyPublishers.ofFile(file), location);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens an upload session; returns its Location. */
    public URI startUpload(String repository) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(repository, "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), push(repository), HttpResponse.BodyHandlers.ofByteArray());
        expect(r, 202, "POST upload");
        return base.resolve(r.headers().firstValue("Location").orElseThrow(() ->
                new RegistryException("registry " + registry + " opened an upload without a Location", 202, null)));
    }

    /**
     * Streams a blob of unknown size and digest: one PATCH whose body is fed as it is produced
     * (no temporary copy), then PUT ?digest= with what was streamed. See {@link BlobUpload}.
     */
    public BlobUpload streamBlob(String repository) {
        return new BlobUpload(this, repository, startUpload(repository));
    }

    /** Sends the PATCH of a streamed upload; the token is refreshed first (the body cannot be replayed). */
    HttpResponse<byte[]> patchStream(String repository, URI location, HttpRequest.BodyPublisher body) {
        return send(HttpRequest.newBuilder(location).method("PATCH", body)
                        .header("Content-Type", "application/octet-stream"), push(repository),
                HttpResponse.BodyHandlers.ofByteArray(), false);
    }

    HttpResponse<byte[]> finishUpload(String repository, URI location, String digest) {
        return send(HttpRequest.newBuilder(withDigest(location, digest)).PUT(HttpRequest.BodyPublishers.noBody()),
                push(repository), HttpResponse.BodyHandlers.ofByteArray());
    }

    public String putManifest(String repository, String reference, String mediaType, byte[] content) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(repository, "/manifests/" + reference))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).header("Content-Type", mediaType),
                push(repository), HttpResponse.BodyHandlers.ofByteArray());
        expect(r, 201, "PUT manifest " + repository + ":" + reference);
        return r.headers().firstValue("Docker-Content-Digest").orElse(sha256(content));
    }

    /** A pull token for the repository (null when the registry needs none), for handing to other clients. */
    public String bearerFor(String repository) {
        try {
            return token(pull(repository), null);
        } catch (IOException e) {
            throw new RegistryException("cannot reach registry " + registry + ": " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted talking to registry " + registry, e);
        }
    }

    // ---- blob bodies over a plain socket (see DirectHttp); null/false: take the general path ----

    /** A plain-http URI of this registry's own origin: where {@link DirectHttp} may carry the token. */
    boolean direct(URI uri) {
        return "http".equals(uri.getScheme()) && sameOrigin(uri, base) && uri.getHost() != null;
    }

    /** The bearer token for a scope (fresh: fetched within the last minute, for a body that cannot be replayed). */
    String bearer(String scope, boolean fresh) throws IOException {
        try {
            return token(scope, fresh ? FRESH : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String pushScope(String repository) {
        return push(repository);
    }

    private InputStream directGet(String repository, String digest, long offset) {
        URI uri = uri(repository, "/blobs/" + digest);
        if (!direct(uri)) {
            return null;
        }
        DirectHttp http = null;
        try {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            String token = bearer(pull(repository), false);
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            if (offset > 0) {
                headers.put("Range", "bytes=" + offset + "-");
            }
            http = DirectHttp.connect(uri);
            http.head("GET", uri, headers, -2);
            DirectHttp.Answer a = http.answer();
            long length = a.length();
            boolean ranged = a.status() == 206 && offset > 0
                    && String.valueOf(a.header("content-range")).startsWith("bytes " + offset + "-");
            if (length < 0 || !(a.status() == 200 || ranged)) {
                http.close(); // 401, a redirect, an error, a chunked body: the general path handles and reports it
                return null;
            }
            InputStream body = http.body(length);
            if (a.status() == 200 && offset > 0) {
                body.skipNBytes(offset); // the registry ignored the range: skip what we have
            }
            return body;
        } catch (IOException | RuntimeException e) {
            closeQuietly(http);
            return null;
        }
    }

    /** PUT of a whole file with sendfile; false on 401 (refused before the body: the session is untouched). */
    private boolean directPut(String repository, URI location, String digest, Path file) {
        URI target = withDigest(location, digest);
        try (DirectHttp http = DirectHttp.connect(target)) {
            long size = java.nio.file.Files.size(file);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            String token = bearer(push(repository), false);
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            headers.put("Content-Type", "application/octet-stream");
            http.head("PUT", target, headers, size);
            IOException sending = null;
            try {
                http.sendFile(file, size);
            } catch (IOException e) {
                sending = e; // the registry may have answered early and closed: read why
            }
            DirectHttp.Answer a;
            try {
                a = http.answer();
            } catch (IOException e) {
                if (sending != null) {
                    e.addSuppressed(sending);
                }
                throw e;
            }
            if (a.status() == 201) {
                return true;
            }
            if (a.status() == 401) {
                return false; // an expired token: the general path fetches a new one
            }
            throw refused(a.status(), http.smallBody(a, 64 * 1024), "PUT blob " + digest);
        } catch (IOException e) {
            throw new RegistryException("cannot upload to registry " + registry + ": " + reason(e), e);
        }
    }

    private static void closeQuietly(DirectHttp http) {
        if (http != null) {
            try {
                http.close();
            } catch (IOException ignored) {
                // nothing was sent that needs an answer
            }
        }
    }

    // ---- plumbing ----

    private static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    private URI uri(String repository, String path) {
        return base.resolve("/v2/" + repository + path);
    }

    private HttpRequest.Builder get(String repository, String path) {
        return HttpRequest.newBuilder(uri(repository, path)).GET();
    }

    private HttpRequest.Builder request(String repository, String path) {
        return HttpRequest.newBuilder(uri(repository, path));
    }

    private static URI withDigest(URI location, String digest) {
        String sep = location.getRawQuery() == null ? "?" : "&";
        return URI.create(location + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder rb, String scope, HttpResponse.BodyHandler<T> handler) {
        return send(rb, scope, handler, true);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder rb, String scope, HttpResponse.BodyHandler<T> handler,
                                     boolean replayable) {
        try {
            String token = token(scope, replayable ? null : FRESH);
            HttpRequest.Builder copy = rb.copy();
            // an upload Location may point elsewhere: the registry's token is for the registry's origin only
            boolean ours = sameOrigin(rb.copy().build().uri(), base);
            if (token != null && ours) {
                rb.header("Authorization", "Bearer " + token);
            }
            HttpResponse<T> r = exchange(rb.build(), handler);
            if (r.statusCode() == 401 && replayable && ours) {
                discard(r);
                readChallenge(r.headers());
                tokens.remove(scope);
                token = token(scope, null);
                if (token != null) {
                    copy.header("Authorization", "Bearer " + token);
                }
                r = exchange(copy.build(), handler);
            }
            return r;
        } catch (IOException e) {
            throw new RegistryException("cannot reach registry " + registry + ": " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted talking to registry " + registry, e);
        }
    }

    /** The cached token for the scope (fetching one if needed); null when the registry needs none. */
    private String token(String scope, Duration maxAge) throws IOException, InterruptedException {
        if (challenge == null) {
            HttpResponse<Void> ping = exchange(HttpRequest.newBuilder(base.resolve("/v2/")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (ping.statusCode() == 401) {
                readChallenge(ping.headers());
            } else {
                challenge = new Challenge(null, null);
            }
        }
        if (challenge.realm() == null) {
            return null;
        }
        Token t = tokens.get(scope);
        if (t != null && (maxAge == null || t.fetched().plus(maxAge).isAfter(Instant.now()))) {
            return t.value();
        }
        URI realm = realm(registry, base, challenge.realm());
        String url = realm + (realm.getRawQuery() == null ? "?" : "&")
                + "service=" + URLEncoder.encode(challenge.service(), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).GET();
        String realmHost = hostOf(realm);
        // the token comes back to this registry: one without credentials of its own asks anonymously,
        // or it could name a configured registry's realm and receive tokens minted with that one's credentials
        Credentials credentials = credentialsFor.apply(registry) == null ? null : credentialsFor.apply(realmHost);
        if (credentials != null) {
            rb.header("Authorization", credentials.basicHeader());
        }
        HttpResponse<byte[]> r = exchange(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw refused(r.statusCode(), r.body(), "token for " + scope
                    + (credentials == null ? " (no credentials configured for " + realmHost + ")" : ""));
        }
        JsonNode json = Json.MAPPER.readTree(r.body());
        String value = json.has("token") ? json.get("token").asString() : json.path("access_token").asString();
        tokens.put(scope, new Token(value, Instant.now()));
        return value;
    }

    /**
     * The token endpoint the registry named: http(s) only, and never plain HTTP when the registry
     * itself is spoken to over TLS (the credentials and the token would cross the network in clear).
     */
    static URI realm(String registry, URI base, String realm) {
        URI uri;
        try {
            uri = new URI(realm);
        } catch (URISyntaxException e) {
            throw new RegistryException("registry " + registry + " names an invalid token realm \"" + realm + "\"",
                    401, "UNAUTHORIZED");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new RegistryException("registry " + registry + " names token realm \"" + realm
                    + "\", which is not an http(s) URL of a host", 401, "UNAUTHORIZED");
        }
        if (base.getScheme().equals("https") && scheme.equals("http")) {
            throw new RegistryException("registry " + registry + " names token realm " + realm
                    + " over plain HTTP; refusing to downgrade from https", 401, "UNAUTHORIZED");
        }
        return uri;
    }

    /**
     * Sends the request, following up to {@link #MAX_REDIRECTS} redirects of a GET or HEAD itself:
     * the Authorization header goes along only while the target is the request's own origin, and
     * https is never redirected to http.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpResponse<T> r = http.send(request, handler);
        URI origin = request.uri();
        HttpRequest current = request;
        for (int hops = 0; isRedirect(r.statusCode()) && r.headers().firstValue("Location").isPresent()
                && (request.method().equals("GET") || request.method().equals("HEAD")); hops++) {
            discard(r);
            if (hops == MAX_REDIRECTS) {
                throw new RegistryException("registry " + registry + " redirected " + request.uri().getPath()
                        + " more than " + MAX_REDIRECTS + " times", r.statusCode(), null);
            }
            URI next = current.uri().resolve(r.headers().firstValue("Location").get());
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || current.uri().getScheme().equals("https") && scheme.equals("http")) {
                throw new RegistryException("registry " + registry + " redirected " + request.uri().getPath()
                        + " to " + next.getScheme() + "://" + next.getRawAuthority() + "; refusing to leave https",
                        r.statusCode(), null);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(next).method(request.method(),
                    HttpRequest.BodyPublishers.noBody());
            request.timeout().ifPresent(b::timeout);
            request.headers().map().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Authorization") || sameOrigin(next, origin)) {
                    values.forEach(v -> b.header(name, v));
                }
            });
            current = b.build();
            r = http.send(current, handler);
        }
        return r;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Same scheme, host and port (the port a scheme implies counts as given). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && hostOf(a).equals(hostOf(b));
    }

    /** {@code host[:port]} as auth files name it: lower case, the scheme's default port left out. */
    static String hostOf(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean implied = port == -1 || port == 443 && "https".equalsIgnoreCase(uri.getScheme())
                || port == 80 && "http".equalsIgnoreCase(uri.getScheme());
        return implied ? host : host + ":" + port;
    }

    private void readChallenge(HttpHeaders headers) {
        String h = headers.firstValue("WWW-Authenticate").orElse("");
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            challenge = new Challenge(null, null);
            return;
        }
        String realm = null;
        String service = "";
        Matcher m = CHALLENGE_PARAM.matcher(h);
        while (m.find()) {
            if (m.group(1).equals("realm")) {
                realm = m.group(2);
            } else if (m.group(1).equals("service")) {
                service = m.group(2);
            }
        }
        challenge = new Challenge(realm, service);
    }

    private void expect(HttpResponse<?> r, int status, String what) {
        if (r.statusCode() != status) {
            byte[] body = r.body() instanceof byte[] b ? b : new byte[0];
            throw refused(r.statusCode(), body, what);
        }
    }

    RegistryException refused(int status, byte[] body, String what) {
        String code = null;
        String message = "";
        try {
            JsonNode e = Json.MAPPER.readTree(body).path("errors").path(0);
            code = e.path("code").asString(null);
            message = e.path("message").asString("");
        } catch (RuntimeException ignored) {
            // not a spec error body
        }
        return new RegistryException("registry " + registry + " refused " + what + ": HTTP " + status
                + (code != null ? " " + code : "") + (message.isEmpty() ? "" : ": " + message), status, code);
    }

    private static byte[] readSmall(InputStream in) {
        try (in) {
            return in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void discard(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try (in) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the connection is dropped instead
            }
        }
    }

    public static String sha256(byte[] content) {
        return Sha256.of(content);
    }

    /**
     * What went wrong talking to a registry: the first message in the cause chain, else the exception's kind
     * (the JDK's HTTP client throws a ConnectException without a message when the registry is down).
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
