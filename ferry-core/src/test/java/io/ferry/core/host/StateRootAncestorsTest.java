package io.ferry.core.host;

import io.ferry.core.error.FerryException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A 0700 state root is only private if no other user can swap it out from below. Needs root (chown). */
@Tag("host")
class StateRootAncestorsTest {
    @TempDir
    Path tmp;

    @Test
    void aRootBelowADirectoryOfAnotherUserIsRefused() throws IOException {
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        Host host = Host.of("h1", theirs.resolve("ferry"));

        assertThatThrownBy(() -> StateRoot.secure(host)).isInstanceOf(FerryException.class)
                .hasMessageContaining("is below " + theirs.toRealPath() + ", which belongs to uid 65534");
        assertThat(theirs.resolve("ferry")).doesNotExist();
    }

    @Test
    void aRootBelowAWorldWritableDirectoryIsRefusedUnlessItIsSticky() throws IOException {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> StateRoot.secure(Host.of("h1", open.resolve("ferry"))))
                .isInstanceOf(FerryException.class).hasMessageContaining("is writable by other users (mode 777)");

        Files.setAttribute(open, "unix:mode", 01777); // as /tmp: others cannot rename what is ours
        assertThatCode(() -> StateRoot.secure(Host.of("h1", open.resolve("ferry")))).doesNotThrowAnyException();
        assertThat(Files.getPosixFilePermissions(open.resolve("ferry")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
