package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.host.Host;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restored volume may hold a setuid-root binary: it stays container content, and no unprivileged
 * host user reaches it, because the state root and Ferry's directories in it are 0700.
 */
@Tag("host")
class StateRootPermissionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestHost source;
    private TestHost target;
    private Path archive;
    @TempDir
    Path tmp;

    @BeforeEach
    void checkpointAContainerWithASetuidShellInItsVolume() {
        source = TestHost.create("suida");
        target = TestHost.create("suidb");
        source.run("suid", "cp /bin/busybox /data/sh; chmod 4755 /data/sh; " + TestHost.LOOPER, "suid:/data");
        source.log("suid").awaitNumberAtLeast(1, WAIT);
        archive = tmp.resolve("suid.tar.zst");
        source.engine().checkpoint("suid", CheckpointOptions.defaults(), ArchiveTarget.file(archive)).result();
    }

    @AfterEach
    void cleanUp() {
        try {
            source.close();
        } finally {
            target.close();
        }
    }

    /** Runs a command as nobody (65534), with no supplementary groups. */
    private static CommandResult asNobody(String... command) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        argv.addAll(List.of(command));
        return Commands.run(argv, Duration.ofSeconds(10));
    }

    private static String mode(Path p) throws IOException {
        return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }

    @Test
    void aSetuidBinaryInARestoredVolumeIsUnreachableForOtherUsers() throws IOException {
        target.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        Path shell = target.engine().volumes().get("suid").mountpoint().resolve("sh");

        // container content keeps its mode and owner: inside the container it is still setuid root
        assertThat(mode(shell)).isEqualTo("4755");
        assertThat(Files.getAttribute(shell, "unix:uid")).isEqualTo(0);

        // through /bin/sh: setpriv itself still holds root's capabilities when it calls execve
        CommandResult run = asNobody("/bin/sh", "-c", "exec \"$0\" -c id", shell.toString());
        assertThat(run.ok()).as("nobody ran %s: %s", shell, run.stdout()).isFalse();
        assertThat(run.stderr()).contains("Permission denied");
        assertThat(asNobody("cat", shell.toString()).ok()).isFalse();
        assertThat(asNobody("ls", target.host().root().toString()).ok()).isFalse();
    }

    @Test
    void theStateRootAndFerrysDirectoriesAreForRootAlone() throws IOException {
        target.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults());
        Host host = target.host();
        String id = target.engine().containers().store().get("suid").id();
        for (Path dir : List.of(host.root(), host.containers(), host.volumes(), host.images(), host.tmp(),
                host.runcRoot(), host.containers().resolve(id), host.volumes().resolve("suid"))) {
            assertThat(mode(dir)).as(dir.toString()).isEqualTo("700");
        }
        try (var layers = Files.list(host.images().resolve("layers"))) {
            for (Path layer : layers.toList()) {
                assertThat(mode(layer)).as(layer.toString()).isEqualTo("700");
            }
        }
        // the exported archive holds the container's memory: its owner's alone
        assertThat(mode(archive)).isEqualTo("600");
    }
}
