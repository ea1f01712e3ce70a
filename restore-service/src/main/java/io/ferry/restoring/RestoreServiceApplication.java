package io.ferry.restoring;

import io.ferry.spring.host.HostEngineConfiguration;
import io.ferry.spring.ServiceMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/** One per host: the target side of a migration (restore, cancel a restore). */
@SpringBootApplication
@Import(HostEngineConfiguration.class)
@EnableConfigurationProperties(TransferProperties.class)
public class RestoreServiceApplication {
    public static void main(String[] args) {
        ServiceMain.run(new SpringApplication(RestoreServiceApplication.class), args); // exits 1 when it fails to start
    }
}
