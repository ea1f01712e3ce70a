package io.ferry.registry;

import io.ferry.spring.postgres.EmbeddedPostgresConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Ferry's registry: the OCI Distribution API for container images and checkpoint archives. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(EmbeddedPostgresConfiguration.class)
public class RegistryApplication {
    public static void main(String[] args) {
        SpringApplication.run(RegistryApplication.class, args);
    }
}
