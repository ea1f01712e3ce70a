package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.error.FerryException;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageIndex;
import io.ferry.core.oci.ImageManifest;
import io.ferry.core.oci.OciDocuments;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifests and indexes come from registries and are hostile until their digest checks out (and
 * even then, the registry chose them): parsing refuses with a FerryException only, and what it
 * accepts can be used without null checks, its digests safe to put in a file name.
 */
class OciDocumentFuzzTest {

    @FuzzTest
    void manifestIsRefusedOrUsable(byte[] json) {
        ImageManifest m;
        try {
            m = OciDocuments.manifest(json);
        } catch (FerryException refused) {
            return;
        }
        usable(m.config());
        assertThat(m.layers()).isNotNull().doesNotContainNull();
        m.layers().forEach(OciDocumentFuzzTest::usable);
    }

    @FuzzTest
    void indexIsRefusedOrUsable(byte[] json) {
        ImageIndex index;
        try {
            index = OciDocuments.index(json);
        } catch (FerryException refused) {
            return;
        }
        assertThat(index.manifests()).isNotNull().doesNotContainNull();
        index.manifests().forEach(OciDocumentFuzzTest::usable);
    }

    private static void usable(Descriptor d) {
        assertThat(d).isNotNull();
        assertThat(d.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(d.size()).isNotNegative();
    }
}
