package io.ferry.core.archive;

import io.ferry.core.exec.Commands;
import io.ferry.core.tar.OpaqueDirs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the writable layer's opaque directories hide, on real overlay layer directories: whiteouts
 * made with mknod and opaque marks with setfattr, as overlayfs and the image unpacker leave them
 * (needs root and the attr package, as a Ferry host does).
 */
@Tag("host")
class RootfsDiffTest {
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private Path file(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    private static void whiteout(Path root, String rel) {
        Commands.check("mknod", List.of("mknod", root.resolve(rel).toString(), "c", "0", "0"), QUICK);
    }

    private static void opaque(Path root, String rel) {
        Commands.check("setfattr", List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y",
                root.resolve(rel).toString()), QUICK);
    }

    private List<String> deleted(Path upper, List<Path> lowers, Set<String> excluded) {
        RootfsDiff.Captured c = RootfsDiff.capture(upper, lowers, excluded, tmp.resolve("diff.tar"));
        return c == null ? List.of() : c.deleted().stream().sorted().toList();
    }

    @Test
    void anOpaqueDirectoryListsTheImageEntriesItHides() throws IOException {
        Path base = tmp.resolve("base");
        Path top = tmp.resolve("top");
        Path upper = tmp.resolve("upper");
        file(base, "www/index.html", "old");
        file(base, "www/assets/logo.png", "logo");
        file(base, "www/assets/style.css", "css");
        file(base, "www/gone-in-top", "x");
        file(top, "www/added-in-top", "y");
        whiteout(top, "www/gone-in-top");
        file(base, "etc/keep", "untouched");
        // The container deleted /www and made it again, with assets/ (new) and index.html (new content).
        file(upper, "www/index.html", "new");
        Files.createDirectories(upper.resolve("www/assets"));
        opaque(upper, "www");

        assertThat(deleted(upper, List.of(top, base), Set.of()))
                .containsExactly("/www/added-in-top", "/www/assets/logo.png", "/www/assets/style.css");
    }

    @Test
    void anOpaqueDirectoryInTheImageStopsTheLookupBelowIt() throws IOException {
        Path base = tmp.resolve("base");
        Path top = tmp.resolve("top");
        Path upper = tmp.resolve("upper");
        file(base, "d/from-base", "hidden by top's opaque d");
        file(top, "d/from-top", "visible");
        opaque(top, "d");
        Files.createDirectories(upper.resolve("d"));
        opaque(upper, "d");

        assertThat(deleted(upper, List.of(top, base), Set.of())).containsExactly("/d/from-top");
    }

    @Test
    void mountPointsAndPlainChangesAddNothing() throws IOException {
        Path base = tmp.resolve("base");
        Path upper = tmp.resolve("upper");
        file(base, "data/volume-content", "in the image");
        file(base, "etc/deleteme", "x");
        Files.createDirectories(upper.resolve("data"));
        opaque(upper, "data");
        file(upper, "etc/new", "added");

        assertThat(deleted(upper, List.of(base), Set.of("/data"))).isEmpty();
    }

    @Test
    void opaqueDirsWithOddNamesAreFound() throws IOException {
        Path layer = tmp.resolve("layer");
        Files.createDirectories(layer.resolve("we ird\nname/sub"));
        opaque(layer, "we ird\nname/sub");
        opaque(layer, "");

        assertThat(OpaqueDirs.in(layer)).containsExactlyInAnyOrder("", "we ird\nname/sub");
    }
}
