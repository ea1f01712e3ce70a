package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.image.ImageRefs;
import io.ferry.core.registry.Reference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image and registry references come from users, archives' annotations and the gateway's requests:
 * parsing refuses with IllegalArgumentException only, and what it accepts is clean and stable.
 */
class ReferenceFuzzTest {
    /** The distribution spec's tag grammar. */
    private static final String TAG = "[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}";

    @FuzzTest
    void registryReferenceRoundTrips(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        Reference ref;
        try {
            ref = Reference.parse(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        assertClean(ref.registry());
        assertThat(ref.registry()).doesNotStartWith(".").doesNotEndWith(".").doesNotStartWith("-");
        assertClean(ref.repository());
        if (ref.tag() != null) {
            assertThat(ref.tag()).matches(TAG); // "1..36" is a valid tag, and harmless: never a path segment
        }
        if (ref.digest() != null) {
            assertThat(ref.digest()).matches("sha256:[0-9a-f]{64}");
        }
        assertThat(ref.reference()).isNotNull();
    }

    @FuzzTest
    void imageReferenceNormalizesOnce(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        String normalized;
        try {
            normalized = ImageRefs.normalize(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(ImageRefs.normalize(normalized)).isEqualTo(normalized);
        String name = normalized.replaceFirst("@sha256:[0-9a-f]{64}$", "");
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            assertThat(name.substring(colon + 1)).matches(TAG);
            name = name.substring(0, colon);
        }
        assertClean(name);
    }

    /** No path tricks and nothing a log or a file name would choke on. */
    private static void assertClean(String s) {
        assertThat(s).isNotEmpty().doesNotContain("..").doesNotStartWith("/").doesNotEndWith("/").doesNotContain("//");
        assertThat(s.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as("printable ASCII: %s", s).isTrue();
    }
}
