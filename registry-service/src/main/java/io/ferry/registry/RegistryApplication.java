package io.ferry.registry;

import io.ferry.registry.auth.UserLines;
import io.ferry.spring.postgres.EmbeddedPostgresConfiguration;
import io.ferry.spring.ServiceMain;
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
    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 1 && args[0].equals(UserLines.COMMAND)) {
            System.exit(UserLines.run(System.in, System.out, System.err));
        }
        ServiceMain.run(new SpringApplication(RegistryApplication.class), args); // exits 1 when it fails to start
    }
}
