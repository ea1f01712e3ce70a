package io.ferry.checkpointing;

import io.ferry.spring.host.HostEngineConfiguration;
import io.ferry.spring.ServiceMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** One per host: the source side of a migration (checkpoint + upload, finalize, rollback). */
@SpringBootApplication
@Import(HostEngineConfiguration.class)
public class CheckpointServiceApplication {
    public static void main(String[] args) {
        ServiceMain.run(new SpringApplication(CheckpointServiceApplication.class), args); // exits 1 when it fails to start
    }
}
