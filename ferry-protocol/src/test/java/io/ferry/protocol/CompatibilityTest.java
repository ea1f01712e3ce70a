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
}
