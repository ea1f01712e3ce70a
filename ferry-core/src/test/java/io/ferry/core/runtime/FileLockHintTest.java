package io.ferry.core.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CRIU's advice to use its --file-locks is said as Ferry's option, before CRIU's own lines. */
class FileLockHintTest {
    @Test
    void criusFileLockRefusalNamesFerrysOption() {
        List<String> criu = List.of("(00.378442) Error (criu/file-lock.c:110): Some file locks are hold by dumping tasks!"
                + " You can try --file-locks to dump them.", "(00.442365) Error (criu/cr-dump.c:1975): Dumping FAILED.");

        assertThat(FileLockHint.explain(criu)).startsWith("the container holds file locks: checkpoint it with"
                + " `ferry checkpoint --file-locks` (and restore it with `ferry restore --file-locks`)").containsAll(criu);
    }

    @Test
    void aMigrationsRefusalNamesTheMigrationsOption() {
        List<String> criu = List.of("(00.378442) Error (criu/file-lock.c:110): Some file locks are hold by dumping tasks!"
                + " You can try --file-locks to dump them.");
        String failure = new io.ferry.core.error.ToolFailedException("checkpointing container c1 failed",
                FileLockHint.explain(criu)).getMessage();

        assertThat(FileLockHint.forMigration(failure)).contains("the container holds file locks: migrate it with file locks"
                + " (`ferry migrate --file-locks`, or \"fileLocks\": true in the request's options)").contains(criu.get(0))
                .doesNotContain("ferry checkpoint");
        assertThat(FileLockHint.forMigration("checkpointing container c1 failed: other")).isEqualTo(
                "checkpointing container c1 failed: other");
    }

    @Test
    void otherFailuresAreLeftAsTheyAre() {
        List<String> criu = List.of("(00.1) Error (criu/sk-inet.c:1): Can't dump", "Dumping FAILED.");

        assertThat(FileLockHint.explain(criu)).isEqualTo(criu);
    }
}
