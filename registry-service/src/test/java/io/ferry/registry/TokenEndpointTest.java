package io.ferry.registry;

import io.ferry.registry.repository.RepositoryRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token endpoint under hostile credentials and scopes: every malformed Authorization header is a
 * 401 (never a 500, never an anonymous token), and a scope that is not exactly
 * "repository:NAME:ACTIONS" grants nothing.
 */
class TokenEndpointTest extends RegistryServerTest {
    @Autowired
    RepositoryRepository repositories;

    V2 v2;
    String repo;

    @BeforeEach
    void client() {
        v2 = new V2(port);
        repo = "test/t" + UUID.randomUUID().toString().substring(0, 8);
    }

    RawHttp.Response tokenWith(String authorization) {
        return RawHttp.send(port, "GET", "/token?service=ferry-registry&scope=" + V2.push(repo),
                Map.of("Authorization", authorization), null);
    }

    static String basic(byte[] raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw);
    }

    void assertRefused(RawHttp.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"ferry-registry\"");
        assertThat(V2.json(r.body()).path("errors").path(0).path("code").asString()).isEqualTo("UNAUTHORIZED");
        assertThat(r.body()).doesNotContain("token\"");
    }

    @Test
    void badBase64IsUnauthorized() {
        assertRefused(tokenWith("Basic !!!not-base64***"));
        assertRefused(tokenWith("Basic ZmVycnk6c2VjcmV0=")); // bad padding
    }

    @Test
    void credentialsWithoutAColonAreUnauthorized() {
        assertRefused(tokenWith(basic("ferrysecret".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anEmptyUserIsUnauthorized() {
        assertRefused(tokenWith(basic(":secret".getBytes(StandardCharsets.UTF_8))));
        assertRefused(tokenWith("Basic "));
    }

    @Test
    void credentialsThatAreNotUtf8AreUnauthorized() {
        byte[] latin1 = "ferry:s\u00e9cret".getBytes(StandardCharsets.ISO_8859_1); // 0xE9 alone is not UTF-8
        assertRefused(tokenWith(basic(latin1)));
        assertRefused(tokenWith(basic(new byte[]{'f', 'e', 'r', 'r', 'y', ':', (byte) 0xC3, (byte) 0x28})));
    }

    @Test
    void anOverlongHeaderIsUnauthorized() {
        assertRefused(tokenWith(basic(("ferry:" + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anUnknownSchemeIsUnauthorizedNotAnonymous() {
        assertRefused(tokenWith("Digest username=\"ferry\""));
        assertRefused(tokenWith("Bearer " + v2.token("ferry", "secret", V2.push(repo))));
        assertRefused(tokenWith("Basicx " + Base64.getEncoder().encodeToString("ferry:secret".getBytes())));
    }

    @Test
    void controlCharactersInCredentialsAreUnauthorized() {
        assertRefused(tokenWith(basic("ferry\n:secret".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theRightCredentialsStillGetAToken() {
        RawHttp.Response r = tokenWith(basic("ferry:secret".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(V2.json(r.body()).path("token").asString()).isNotEmpty();
    }

    /** The access claim of a token, read without verifying it (the test only inspects what was granted). */
    static String accessOf(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return V2.json(payload).path("access").toString();
    }

    String tokenFor(String scope) {
        return v2.token("ferry", "secret", scope);
    }

    @Test
    void malformedScopesGrantNothing() {
        for (String scope : new String[]{"repository:../x:push", "repository:" + repo + "/../other:push",
                "repository:" + repo + ":extra:push", "repository:" + repo.toUpperCase() + ":push",
                "registry:catalog:*", "repository(plugin):" + repo + ":push", "repository:" + repo + ":PUSH,admin",
                "repository::push", "repository:" + repo}) {
            assertThat(accessOf(tokenFor(scope))).as(scope).isEqualTo("[]");
        }
    }

    @Test
    void aTokenForADottedNameDoesNotOpenTheRepository() {
        String token = tokenFor("repository:" + repo + "/..:push repository:./" + repo + ":push");
        HttpResponse<String> r = v2.send(v2.request("/v2/" + repo + "/blobs/uploads/")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(repositories.findByName(repo)).isEmpty();
    }

    @Test
    void severalScopesGrantEachAsked() {
        String token = tokenFor(V2.push(repo) + " " + V2.pull("test/other") + " repository:../evil:push");
        assertThat(accessOf(token)).contains("\"" + repo + "\"").contains("\"test/other\"").doesNotContain("evil");
    }

    @Test
    void anonymousRequestsWithScopesGetNoTokenWithoutAnonymousPull() {
        HttpResponse<String> r = v2.send(v2.request("/token?service=ferry-registry&scope="
                + URLEncoder.encode(V2.push(repo), StandardCharsets.UTF_8)).GET());
        assertThat(r.statusCode()).isEqualTo(401);
    }
}
