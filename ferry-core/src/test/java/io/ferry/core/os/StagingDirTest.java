package io.ferry.core.os;

import io.ferry.core.testing.HoldStagingDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The staging of a killed restore is removed; the staging of a restore still running elsewhere is not. */
class StagingDirTest {
    private static final String PREFIX = "restore-staging-";
    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopHolders() {
        started.forEach(Process::destroyForcibly);
    }

    /** Another JVM (a CLI restore, a restore-service) holding a staging directory; returns its path. */
    private Path heldByAnotherProcess() throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldStagingDir.class.getName(), tmp.toString(), PREFIX)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the holder's staging directory").isNotNull();
        return Path.of(line);
    }

    @Test
    void onlyTheStagingOfKilledProcessesIsRemoved() throws Exception {
        Path live = heldByAnotherProcess();
        Path killed = heldByAnotherProcess();
        Process killedHolder = started.get(1);
        killedHolder.destroyForcibly();
        assertThat(killedHolder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path legacy = Files.createDirectories(tmp.resolve(PREFIX + "without-a-lock-file"));
        Path other = Files.createDirectories(tmp.resolve("restore-log-" + "a".repeat(64)));

        try (StagingDir mine = StagingDir.create(tmp, PREFIX)) {
            List<Path> removed = StagingDir.removeAbandoned(tmp, PREFIX);

            assertThat(removed).containsExactlyInAnyOrder(killed, legacy);
            assertThat(killed).doesNotExist();
            assertThat(live.resolve("content/pages-1.img")).as("a restore running in another process keeps its files").exists();
            assertThat(mine.dir()).as("a restore running in this process keeps its directory").exists();
            assertThat(other).as("not a staging directory").exists();
        }
        assertThat(live).exists();
        assertThat(StagingDir.removeAbandoned(tmp, PREFIX)).isEmpty();
    }

    @Test
    void closingRemovesTheDirectory() {
        Path dir;
        try (StagingDir staging = StagingDir.create(tmp, PREFIX)) {
            dir = staging.dir();
            assertThat(dir.getFileName().toString()).startsWith(PREFIX);
        }
        assertThat(dir).doesNotExist();
    }
}
