package io.ferry.imageservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One per host: pulls OCI images on demand into the host's image store, shared with the engine. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImageServiceApplication {
    public static void main(String[] args) {
        try {
            SpringApplication.run(ImageServiceApplication.class, args);
        } catch (Throwable startupFailure) {
            System.exit(1); // Boot logged why; exit rather than linger half-started (ferry-spring's ServiceMain, which this module does not use)
        }
    }
}
