package io.ferry.core.engine;

import io.ferry.core.os.OwnerOnlyFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ".NAME.part" file an export writes first sits in a directory the user chose, which others may
 * write to. Someone racing the export there (renaming the file away and putting a symbolic link in its
 * place) must never get the archive written through the link into another file.
 */
class ExportPartFileTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkSwappedInWhileThePartFileIsOpenedIsNeverWrittenThrough() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path victim = Files.writeString(tmp.resolve("victim"), "host file\n");
        Path part = shared.resolve(".ckpt.tar.part");
        AtomicBoolean stop = new AtomicBoolean();
        Thread attacker = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(part, shared.resolve("stolen"), StandardCopyOption.REPLACE_EXISTING);
                    Files.createSymbolicLink(part, victim);
                } catch (IOException | RuntimeException ignored) {
                    // lost this round
                }
            }
        });
        attacker.start();
        int opened = 0;
        try {
            for (int i = 0; i < 5_000 && Files.size(victim) == 10; i++) { // until the victim is hit
                try (OutputStream out = OwnerOnlyFiles.create(part)) {
                    out.write("container memory\n".getBytes(StandardCharsets.UTF_8));
                    opened++;
                } catch (IOException refused) {
                    // a link or file in the way: the export fails, nothing is written through it
                }
            }
        } finally {
            stop.set(true);
            attacker.join();
        }
        assertThat(opened).isPositive();
        assertThat(Files.readString(victim)).isEqualTo("host file\n");
        if (Files.exists(part, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(part)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(part))).isEqualTo("rw-------");
        }
    }
}
