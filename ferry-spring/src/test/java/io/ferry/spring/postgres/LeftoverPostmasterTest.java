package io.ferry.spring.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real embedded PostgreSQL: one its service still runs is never taken for a leftover. */
class LeftoverPostmasterTest {
    @TempDir
    Path work;

    @Test
    void aPostgresWhoseServiceStillRunsIsNotStoppedAndTheSecondStartIsRefused() throws Exception {
        Path data = work.resolve("pg");
        try (EmbeddedPostgres running = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).start()) {
            assertThat(data.resolve("postmaster.pid")).exists();

            assertThatThrownBy(() -> LeftoverPostmaster.stop(data))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by a running service")
                    .hasMessageContaining(LeftoverPostmaster.LOCK_FILE);

            try (Connection c = running.getPostgresDatabase().getConnection();
                 ResultSet r = c.createStatement().executeQuery("select 1")) {
                assertThat(r.next()).as("the running PostgreSQL still answers").isTrue();
            }
        }
        assertThat(Files.exists(data.resolve("postmaster.pid"))).as("stopped by its own service").isFalse();
        assertThat(LeftoverPostmaster.stop(data)).as("nothing left over after a clean stop").isEmpty();
    }
}
