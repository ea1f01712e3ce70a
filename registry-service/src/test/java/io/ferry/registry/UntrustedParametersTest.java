package io.ferry.registry;

import io.ferry.registry.blob.RepositoryBlobRepository;
import io.ferry.registry.repository.RepositoryRepository;
import io.ferry.registry.storage.BlobFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query parameters and headers of /v2 requests from a client with a valid token for one repository:
 * mounts from repositories the token does not cover, repeated or body-borne parameters, absurd
 * Content-Range and paging values. Each is refused without touching another repository.
 */
class UntrustedParametersTest extends RegistryServerTest {
    @Autowired
    RepositoryRepository repositories;
    @Autowired
    RepositoryBlobRepository links;
    @Autowired
    BlobFiles blobFiles;

    V2 v2;
    String mine;
    String theirs;
    String secret;

    @BeforeEach
    void twoRepositories() {
        v2 = new V2(port);
        String id = UUID.randomUUID().toString().substring(0, 8);
        mine = "test/mine" + id;
        theirs = "test/theirs" + id;
        secret = v2.pushBlob(theirs, ("their secret " + id).getBytes(StandardCharsets.UTF_8));
    }

    String myToken() {
        return "Bearer " + v2.token("ferry", "secret", V2.push(mine));
    }

    boolean linkedToMine() {
        return repositories.findByName(mine).map(r -> links.existsByRepositoryIdAndDigest(r.getId(), secret)).orElse(false);
    }

    @Test
    void aMountFromARepositoryTheTokenDoesNotCoverIsRefused() {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/" + mine + "/blobs/uploads/?mount=" + secret + "&from=" + theirs,
                Map.of("Authorization", myToken()), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains("repository:" + theirs + ":pull");
        assertThat(linkedToMine()).isFalse();
    }

    @Test
    void aRepeatedFromIsRefused() {
        String token = "Bearer " + v2.token("ferry", "secret", V2.push(mine) + " " + V2.pull(mine));
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/" + mine + "/blobs/uploads/?mount=" + secret
                + "&from=" + mine + "&from=" + theirs, Map.of("Authorization", token), null);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("query parameter \\\"from\\\" is given more than once");
        assertThat(linkedToMine()).isFalse();
    }

    @Test
    void fromInAFormBodyIsNotAParameter() {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/" + mine + "/blobs/uploads/?mount=" + secret,
                Map.of("Authorization", myToken(), "Content-Type", "application/x-www-form-urlencoded"),
                ("from=" + theirs).getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).as("an upload session, not a mount").isEqualTo(202);
        assertThat(linkedToMine()).isFalse();
    }

    @Test
    void aFromThatIsNotANameCannotReachTheChallenge() {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/" + mine + "/blobs/uploads/?mount=" + secret
                + "&from=x%22,realm=%22http://evil.example/token", Map.of(), null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("WWW-Authenticate")).isNull();
    }

    @Test
    void aRepeatedDigestIsRefused() {
        byte[] content = "content".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response r = RawHttp.send(port, "POST", "/v2/" + mine + "/blobs/uploads/?digest=" + V2.digest(content)
                        + "&digest=" + secret, Map.of("Authorization", myToken(), "Content-Type", "application/octet-stream"),
                content);
        assertThat(r.status()).isEqualTo(400);
        assertThat(blobFiles.exists(V2.digest(content))).isFalse();
    }

    @Test
    void aPutDigestThatIsNotSha256IsRefused() {
        String upload = v2.send(v2.authed("/v2/" + mine + "/blobs/uploads/", V2.push(mine))
                .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
        for (String digest : new String[]{"sha256:../../etc/passwd", "sha512:" + "a".repeat(128), "sha256%3A" + "a".repeat(64),
                secret.toUpperCase(), secret + "%00"}) {
            RawHttp.Response r = RawHttp.send(port, "PUT", upload + "?digest=" + digest,
                    Map.of("Authorization", myToken(), "Content-Type", "application/octet-stream"), new byte[0]);
            assertThat(r.status()).as(digest + ": " + r.body()).isEqualTo(400);
        }
        assertThat(linkedToMine()).isFalse();
    }

    @Test
    void aContentRangeBeyondALongIsRefusedNotAServerError() {
        String upload = v2.send(v2.authed("/v2/" + mine + "/blobs/uploads/", V2.push(mine))
                .POST(HttpRequest.BodyPublishers.noBody())).headers().firstValue("Location").orElseThrow();
        for (String range : new String[]{"0-99999999999999999999", "99999999999999999999-0", "-1-5", "0-"}) {
            RawHttp.Response r = RawHttp.send(port, "PATCH", upload,
                    Map.of("Authorization", myToken(), "Content-Type", "application/octet-stream", "Content-Range", range),
                    "x".getBytes(StandardCharsets.US_ASCII));
            assertThat(r.status()).as(range + ": " + r.body()).isEqualTo(416);
        }
        HttpResponse<String> status = v2.send(v2.authed(upload, V2.push(mine)).GET());
        assertThat(status.headers().firstValue("Range")).hasValue("0-0");
    }

    @Test
    void tagPagingParametersAreChecked() {
        v2.pushBlob(mine, "x".getBytes(StandardCharsets.UTF_8));
        Map<String, String> auth = Map.of("Authorization", myToken());
        assertThat(RawHttp.send(port, "GET", "/v2/" + mine + "/tags/list?n=2147483647", auth, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/v2/" + mine + "/tags/list?n=99999999999", auth, null).status()).isEqualTo(400);
        assertThat(RawHttp.send(port, "GET", "/v2/" + mine + "/tags/list?n=abc", auth, null).status()).isEqualTo(400);
        RawHttp.Response injected = RawHttp.send(port, "GET", "/v2/" + mine + "/tags/list?last=a%3E;rel=%22x", auth, null);
        assertThat(injected.status()).isEqualTo(400);
        assertThat(injected.header("Link")).isNull();
    }

    @Test
    void aTagsListOfAnotherRepositoryNeedsItsOwnToken() {
        RawHttp.Response r = RawHttp.send(port, "GET", "/v2/" + theirs + "/tags/list", Map.of("Authorization", myToken()), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(RawHttp.send(port, "GET", "/v2/_catalog", Map.of("Authorization", myToken()), null).status())
                .isIn(401, 404);
    }
}
