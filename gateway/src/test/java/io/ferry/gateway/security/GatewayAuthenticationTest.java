package io.ferry.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.gateway.ApiTokenFiles;
import io.ferry.gateway.GatewayApplication;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.migration.MigrationRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may call the gateway: the real gateway (embedded PostgreSQL, a real KRaft broker, real HTTP)
 * with a tokens file of four accounts and a JWT issuer's public key, called as API clients and as a
 * browser with the login form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAuthenticationTest {
    private static final String MIGRATE = "{\"id\":\"%s\",\"container\":\"looper\",\"sourceHost\":\"host-a\",\"targetHost\":\"host-b\"}";

    private EmbeddedKafkaKraftBroker kafka;
    private Path work;
    private Path tokensFile;
    private ConfigurableApplicationContext gateway;
    private URI url;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String metrics;
    private String viewer;
    private String operator;
    private String admin;
    private KeyPair issuer;
    private KeyPair stranger;

    @BeforeAll
    void startGateway() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        work = Files.createTempDirectory("ferry-gw-auth");
        tokensFile = work.resolve("tokens");
        metrics = ApiTokenFiles.add(tokensFile, "prometheus", "metrics");
        viewer = ApiTokenFiles.add(tokensFile, "watcher", "viewer");
        operator = ApiTokenFiles.add(tokensFile, "ops", "operator");
        admin = ApiTokenFiles.add(tokensFile, "root-admin", "admin");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        issuer = rsa.generateKeyPair();
        stranger = rsa.generateKeyPair();
        Path publicKey = work.resolve("issuer.pub");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'})
                .encodeToString(issuer.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(common("gateway",
                "--ferry.gateway.security.tokens-file=" + tokensFile,
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey));
        url = URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port"));
    }

    private String[] common(String name, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--ferry.gateway.data-dir=" + work.resolve(name)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
        if (work != null) {
            FileTrees.deleteRecursively(work);
        }
    }

    // --- API tokens -------------------------------------------------------------------------------

    @Test
    void anUnauthenticatedCallIsA401ProblemWithABearerChallenge() {
        HttpResponse<String> r = send(get("/api/migrations"));

        assertProblem(r, 401, "Unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(detail(r)).startsWith("authentication required: send Authorization: Bearer <token>");
    }

    @Test
    void aWrongTokenIsA401NamingTheFault() {
        HttpResponse<String> r = send(get("/api/migrations").header("Authorization", "Bearer " + ApiTokenFiles.newToken()));

        assertProblem(r, 401, "Unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer").contains("invalid_token");
        assertThat(detail(r)).isEqualTo("invalid bearer token: unknown API token");
    }

    @Test
    void aViewerReadsButItsMigrateIsA403NamingTheRoleAndRecordsNothing() {
        assertThat(send(as(viewer, get("/api/migrations"))).statusCode()).isEqualTo(200);
        assertThat(send(as(viewer, get("/v3/api-docs"))).body()).contains("/api/migrations");

        HttpResponse<String> r = send(as(viewer, post("/api/migrations", MIGRATE.formatted("by-viewer"))));

        assertProblem(r, 403, "Forbidden");
        assertThat(detail(r)).isEqualTo("POST /api/migrations needs the role operator; watcher has the role viewer");
        assertThat(Json.MAPPER.readTree(r.body()).path("requiredRole").asString()).isEqualTo("operator");
        assertThat(gateway.getBean(MigrationRepository.class).findById("by-viewer")).isEmpty();
        assertThat(gateway.getBean(EventLog.class).of("by-viewer")).as("nothing recorded, so no command sent").isEmpty();
    }

    @Test
    void anOperatorMigratesAndCancelsButItsReplayIsA403() {
        HttpResponse<String> r = send(as(operator, post("/api/migrations", MIGRATE.formatted("by-operator"))));

        // past authorization: the preflight refuses (no host has sent a heartbeat), and the request is in the log
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(gateway.getBean(EventLog.class).of("by-operator")).first()
                .satisfies(e -> assertThat(e.getRequestedBy()).isEqualTo("ops")); // who asked, in the event log
        assertThat(send(as(operator, post("/api/migrations/by-operator/cancel", ""))).statusCode()).isEqualTo(409); // ended
        HttpResponse<String> replay = send(as(operator, post("/api/admin/replay", "")));
        assertProblem(replay, 403, "Forbidden");
        assertThat(detail(replay)).isEqualTo("POST /api/admin/replay needs the role admin; ops has the role operator");
    }

    @Test
    void anAdminReplays() {
        HttpResponse<String> r = send(as(admin, post("/api/admin/replay", "")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(send(as(admin, get("/api/me"))).body()).path("roles").toString())
                .isEqualTo("[\"metrics\",\"viewer\",\"operator\",\"admin\"]");
    }

    @Test
    void healthIsOpenWithoutDetailsAndMetricsNeedTheMetricsRole() {
        HttpResponse<String> health = send(get("/actuator/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode status = Json.MAPPER.readTree(health.body());
        assertThat(status.path("status").asString()).isEqualTo("UP");
        assertThat(status.propertyNames()).doesNotContain("components", "details");

        assertProblem(send(scrape()), 401, "Unauthorized");
        assertThat(send(as(metrics, scrape())).body()).contains("jvm_memory_used_bytes");
        assertThat(send(as(viewer, scrape())).statusCode()).isEqualTo(200);
        HttpResponse<String> scraperReads = send(as(metrics, get("/api/migrations")));
        assertProblem(scraperReads, 403, "Forbidden");
        assertThat(detail(scraperReads)).contains("needs the role viewer; prometheus has the role metrics");
    }

    @Test
    void aRevokedAccountIsRefusedWithoutARestart() throws IOException {
        String temp = ApiTokenFiles.add(tokensFile, "temp", "viewer");
        assertThat(send(as(temp, get("/api/hosts"))).statusCode()).isEqualTo(200);

        List<String> kept = Files.readAllLines(tokensFile).stream().filter(l -> !l.startsWith("temp ")).toList();
        Files.write(tokensFile, kept);

        assertProblem(send(as(temp, get("/api/hosts"))), 401, "Unauthorized");
        assertThat(send(as(viewer, get("/api/hosts"))).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedAccountsDashboardSessionEndsWithoutARestart() throws IOException {
        String temp = ApiTokenFiles.add(tokensFile, "temp-ops", "operator");
        Browser browser = new Browser();
        browser.send(get("/login.html"));
        HttpResponse<String> login = browser.send(form("/login", Map.of("username", "temp-ops", "password", temp,
                "_csrf", browser.cookie("XSRF-TOKEN"))));
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        assertThat(browser.send(get("/api/me")).statusCode()).isEqualTo(200);

        List<String> kept = Files.readAllLines(tokensFile).stream().filter(l -> !l.startsWith("temp-ops ")).toList();
        Files.write(tokensFile, kept);

        assertProblem(browser.send(get("/api/me")), 401, "Unauthorized");
        HttpResponse<String> migrate = browser.send(post("/api/migrations", MIGRATE.formatted("revoked-session"))
                .header("X-XSRF-TOKEN", browser.cookie("XSRF-TOKEN")));
        assertThat(migrate.statusCode()).isIn(401, 403);
        assertThat(gateway.getBean(EventLog.class).of("revoked-session")).isEmpty();
    }

    // --- the dashboard: form login, session, CSRF ---------------------------------------------------

    @Test
    void aBrowserIsSentToTheLoginPageAndAnApiClientGets401() {
        HttpResponse<String> page = send(get("/").header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login.html");

        assertProblem(send(HttpRequest.newBuilder(url.resolve("/")).header("Accept", "*/*").GET()), 401, "Unauthorized");
        assertThat(send(get("/login.html").header("Accept", "text/html")).statusCode()).isEqualTo(200);
    }

    @Test
    void theDashboardLogsInAndItsPostsNeedTheCsrfToken() {
        Browser browser = new Browser();
        assertThat(browser.send(get("/login.html")).statusCode()).isEqualTo(200);
        String loginCsrf = browser.cookie("XSRF-TOKEN");
        assertThat(loginCsrf).isNotEmpty();

        HttpResponse<String> wrong = browser.send(form("/login", Map.of("username", "ops", "password", viewer, "_csrf", loginCsrf)));
        assertThat(wrong.headers().firstValue("Location").orElse("")).endsWith("/login.html?error");
        HttpResponse<String> login = browser.send(form("/login", Map.of("username", "ops", "password", operator,
                "_csrf", browser.cookie("XSRF-TOKEN"))));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        assertThat(Json.MAPPER.readTree(browser.send(get("/api/me")).body()).path("name").asString()).isEqualTo("ops");

        HttpResponse<String> forged = browser.send(post("/api/migrations", MIGRATE.formatted("no-csrf")));
        assertProblem(forged, 403, "Forbidden");
        assertThat(detail(forged)).startsWith("missing or invalid CSRF token");
        assertThat(gateway.getBean(EventLog.class).of("no-csrf")).isEmpty();

        HttpResponse<String> withCsrf = browser.send(post("/api/migrations", MIGRATE.formatted("with-csrf"))
                .header("X-XSRF-TOKEN", browser.cookie("XSRF-TOKEN")));
        assertThat(withCsrf.statusCode()).as(withCsrf.body()).isEqualTo(409); // accepted by security, refused by the preflight
        assertThat(gateway.getBean(EventLog.class).of("with-csrf")).isNotEmpty();

        HttpResponse<String> logout = browser.send(form("/logout", Map.of("_csrf", browser.cookie("XSRF-TOKEN"))));
        assertThat(logout.headers().firstValue("Location").orElse("")).endsWith("/login.html?logout");
        assertProblem(browser.send(get("/api/me")), 401, "Unauthorized");
    }

    // --- JWTs ---------------------------------------------------------------------------------------

    @Test
    void aJwtFromTheIssuerWithARoleIsAccepted() throws Exception {
        String token = jwt(issuer, "alice", List.of("operator", "something-else"), Instant.now().plus(5, ChronoUnit.MINUTES));

        JsonNode me = Json.MAPPER.readTree(send(as(token, get("/api/me"))).body());
        assertThat(me.path("name").asString()).isEqualTo("alice");
        assertThat(send(as(token, post("/api/migrations", MIGRATE.formatted("by-jwt")))).statusCode()).isEqualTo(409);
        assertThat(detail(send(as(token, post("/api/admin/replay", "")))))
                .isEqualTo("POST /api/admin/replay needs the role admin; alice has the role operator");
    }

    @Test
    void anExpiredJwtIsA401() throws Exception {
        String token = jwt(issuer, "alice", List.of("admin"), Instant.now().minus(10, ChronoUnit.MINUTES));

        HttpResponse<String> r = send(as(token, get("/api/migrations")));

        assertProblem(r, 401, "Unauthorized");
        assertThat(detail(r)).startsWith("invalid bearer token: ").contains("expired");
    }

    @Test
    void aJwtSignedByAnotherKeyIsA401() throws Exception {
        String token = jwt(stranger, "mallory", List.of("admin"), Instant.now().plus(5, ChronoUnit.MINUTES));

        HttpResponse<String> r = send(as(token, post("/api/admin/replay", "")));

        assertProblem(r, 401, "Unauthorized");
        assertThat(detail(r)).startsWith("invalid bearer token: ").containsIgnoringCase("signature");
    }

    @Test
    void aJwtWithoutARoleMayDoNothing() throws Exception {
        String token = jwt(issuer, "nobody", null, Instant.now().plus(5, ChronoUnit.MINUTES));

        HttpResponse<String> r = send(as(token, get("/api/migrations")));

        assertProblem(r, 403, "Forbidden");
        assertThat(detail(r)).startsWith("GET /api/migrations needs the role viewer; nobody has no Ferry role");
    }

    // --- no default accounts ----------------------------------------------------------------------

    @Test
    void withoutATokensFileOrAJwtIssuerTheGatewayRefusesToStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run(common("unsecured")).close())
                .satisfies(e -> assertThat(rootSecurityFailure(e)).isNotNull()
                        .extracting(Throwable::getMessage).asString()
                        .startsWith("the gateway has no way to authenticate its callers: neither ferry.gateway.security.tokens-file"));
    }

    private static Throwable rootSecurityFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityConfigException) {
                return t;
            }
        }
        return null;
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static String jwt(KeyPair key, String subject, List<String> roles, Instant expires) throws JOSEException {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(expires.minusSeconds(600)))
                .expirationTime(Date.from(expires));
        if (roles != null) {
            claims.claim("roles", roles);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
        jwt.sign(new RSASSASigner(key.getPrivate()));
        return jwt.serialize();
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(url.resolve(path)).header("Accept", "application/json").GET();
    }

    private HttpRequest.Builder scrape() {
        return HttpRequest.newBuilder(url.resolve("/actuator/prometheus")).header("Accept", "text/plain").GET();
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private HttpRequest.Builder form(String path, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static HttpRequest.Builder as(String token, HttpRequest.Builder rb) {
        return rb.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder rb) {
        return send(http, rb);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder rb) {
        try {
            return client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status, String title) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("title").asString()).isEqualTo(title);
        assertThat(p.path("type").asString()).isEqualTo("about:blank");
    }

    private static String detail(HttpResponse<String> r) {
        return Json.MAPPER.readTree(r.body()).path("detail").asString();
    }

    /** A client that keeps cookies, as a browser does (no redirects followed, to see them). */
    private final class Browser {
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> send(HttpRequest.Builder rb) {
            return GatewayAuthenticationTest.send(client, rb);
        }

        String cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                    .map(HttpCookie::getValue).findFirst().orElse("");
        }
    }
}
