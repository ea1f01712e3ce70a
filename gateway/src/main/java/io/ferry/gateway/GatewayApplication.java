package io.ferry.gateway;

import io.ferry.spring.KafkaErrorHandling;
import io.ferry.spring.kafka.InProcessKafkaInitializer;
import io.ferry.spring.kafka.KafkaAccessApplier;
import io.ferry.spring.postgres.EmbeddedPostgresConfiguration;
import io.ferry.spring.ServiceMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Ferry's front door and coordinator: REST API, migration state machine, event log, replay. Boot's
 * generated default user is excluded: the gateway's only accounts are its tokens file's and JWTs.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
@Import({EmbeddedPostgresConfiguration.class, KafkaErrorHandling.class, KafkaAccessApplier.class})
public class GatewayApplication {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GatewayApplication.class);
        app.addInitializers(new InProcessKafkaInitializer()); // ferry.kafka.embedded=true: the demo's default
        ServiceMain.run(app, args); // exits 1 when it fails to start
    }
}
