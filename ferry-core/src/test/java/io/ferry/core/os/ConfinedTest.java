package io.ferry.core.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paths built from identifiers stay under their root, or are refused (never normalized). */
class ConfinedTest {
    @TempDir
    Path root;

    @Test
    void plainNamesResolveBelowTheRoot() {
        assertThat(Confined.resolve(root, "abc", "diff")).isEqualTo(root.resolve("abc/diff"));
    }

    @Test
    void partsThatLeaveTheRootAreRefused() {
        for (String bad : new String[]{"..", ".", "", "a/b", "../../etc", "/etc", "a\0b"}) {
            assertThatThrownBy(() -> Confined.resolve(root, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a plain file name");
        }
        assertThatThrownBy(() -> Confined.resolve(root, (String) null)).hasMessageContaining("not a plain file name");
    }

    @Test
    void symbolicLinksBelowTheRootAreRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("link"), Path.of("/etc"));
        assertThatThrownBy(() -> Confined.resolve(root, "link", "passwd"))
                .hasMessage("refusing path " + root.resolve("link") + ": it is a symbolic link below " + root);
    }

    @Test
    void mountLookupsRefuseUnnormalizedPaths() {
        assertThatThrownBy(() -> Mounts.below(root.resolve("runc/../../x")))
                .hasMessageContaining("is not a normalized path");
    }
}
