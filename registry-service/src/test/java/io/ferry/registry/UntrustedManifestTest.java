package io.ferry.registry;

import io.ferry.core.oci.MediaTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifests from a client that may push to one repository: what it stores must not break what
 * others read from that repository.
 */
class UntrustedManifestTest extends RegistryServerTest {
    V2 v2;
    String repo;

    @BeforeEach
    void client() {
        v2 = new V2(port);
        repo = "test/m" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The referrers of a digest were listed by converting each referrer's annotations to strings: one
     * manifest whose annotation held an object made the listing a 500 for every reader (a signature
     * or SBOM lookup that fails open would then see nothing). The spec's annotations are strings.
     */
    @Test
    void annotationsThatAreNotStringsAreRefusedAndTheReferrersStayReadable() {
        String subject = V2.digest(("subject " + repo).getBytes(StandardCharsets.UTF_8));
        String empty = v2.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));
        for (String annotations : new String[]{"{\"x\":{\"y\":1}}", "{\"x\":[\"a\"]}", "{\"x\":1}", "{\"x\":null}", "[\"x\"]"}) {
            String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                    + "\"artifactType\":\"application/vnd.example.sig\","
                    + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + empty + "\",\"size\":2},"
                    + "\"layers\":[],"
                    + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subject + "\",\"size\":1},"
                    + "\"annotations\":" + annotations + "}";
            HttpResponse<String> put = v2.send(v2.authed("/v2/" + repo + "/manifests/"
                    + V2.digest(artifact.getBytes(StandardCharsets.UTF_8)), V2.push(repo))
                    .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(artifact)));
            assertThat(put.statusCode()).as(annotations + ": " + put.body()).isEqualTo(400);
            assertThat(V2.errorCode(put)).isEqualTo("MANIFEST_INVALID");
            HttpResponse<String> referrers = v2.send(v2.authed("/v2/" + repo + "/referrers/" + subject, V2.pull(repo)).GET());
            assertThat(referrers.statusCode()).as(annotations + ": " + referrers.body()).isEqualTo(200);
        }
    }
}
