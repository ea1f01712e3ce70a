package io.ferry.core.os;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailpointsTest {
    @Test
    void parsesNamedActions() {
        assertThat(Failpoints.parse(" restore.after-runtime=halt, checkpoint.after-dump=sleep:500 "))
                .isEqualTo(Map.of("restore.after-runtime", "halt", "checkpoint.after-dump", "sleep:500"));
        assertThat(Failpoints.parse("")).isEmpty();
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThatThrownBy(() -> Failpoints.parse("restore.after-runtime=explode"))
                .hasMessageContaining("unknown action explode for restore.after-runtime");
        assertThatThrownBy(() -> Failpoints.parse("halt")).hasMessageContaining("halt is not name=action");
    }

    @Test
    void anUnsetPointDoesNothing() {
        Failpoints.reach("no.such.point");
    }
}
