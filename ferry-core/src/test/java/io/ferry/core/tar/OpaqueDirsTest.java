package io.ferry.core.tar;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** getfattr's escaped names (octal escapes) turned back into paths; finding the marks is tested in RootfsDiffTest. */
class OpaqueDirsTest {

    @Test
    void getfattrEscapesAreDecoded() {
        assertThat(OpaqueDirs.unescape("/a/we\\040ird\\134name\\303\\251")).isEqualTo("/a/we ird\\nameé");
        assertThat(OpaqueDirs.unescape("/plain")).isEqualTo("/plain");
    }
}
