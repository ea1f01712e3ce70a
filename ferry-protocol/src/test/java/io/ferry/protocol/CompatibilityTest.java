package io.ferry.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CompatibilityTest {

    @Test
    void versionsCompareNumerically() {
        assertThat(Compatibility.atLeast("4.2.1", "4.2")).isTrue();
        assertThat(Compatibility.atLeast("4.10", "4.2")).isTrue();
        assertThat(Compatibility.atLeast("4.1.1", "4.2")).isFalse();
        assertThat(Compatibility.atLeast("3.17.1", "4.2")).isFalse();
    }

    @Test
    void aCheckpointClaimingAnAbsurdCriuIsRefusedWithAReasonNotAnException() {
        Compatibility.Platform host = new Compatibility.Platform("runc", "amd64", "4.2.1");

        assertThat(Compatibility.problem(new Compatibility.Platform("runc", "amd64", "99999999999.1"), host))
                .hasValue("the checkpoint names CRIU version \"99999999999.1\", which is not a version");
        assertThat(Compatibility.problem(new Compatibility.Platform("runc", "amd64", "999999999.1"), host))
                .hasValue("the checkpoint was made with CRIU 999999999.1; this host's CRIU 4.2.1 is older");
        assertThat(Compatibility.problem(new Compatibility.Platform("runc", "amd64", "x.y"), host))
                .hasValue("the checkpoint names CRIU version \"x.y\", which is not a version");
        assertThat(Compatibility.problem(new Compatibility.Platform("crun", "amd64", "4.2"), host))
                .hasValue("the checkpoint was made with OCI runtime \"crun\"; this host restores with \"runc\"");
        assertThat(Compatibility.problem(new Compatibility.Platform("runc", "arm64", "4.2"), host))
                .hasValue("the checkpoint was made on arm64; this host is amd64");
        assertThat(Compatibility.problem(new Compatibility.Platform(null, null, null), host)).isEmpty();
    }
}
