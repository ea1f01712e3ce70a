package io.ferry.core.testing;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The images that tests tagged "docker" run with Testcontainers: local builds standing in for the upstream
 * images (no image registry is reachable here, so nothing can be pulled). A missing one fails the test with
 * the command that builds it, rather than a pull that hangs and then fails.
 */
public final class LocalImages {
    private static final String BUILD = "scripts/build-images.sh third-party";

    private LocalImages() {
    }

    /** ferry-local/postgres:15 (Debian's postgresql-15) in place of the official postgres image. */
    public static DockerImageName postgres() {
        return local("ferry-local/postgres:15", "postgres");
    }

    /** ferry-local/kafka at the Kafka version of Boot's BOM (system property ferry.kafka.version) in place of apache/kafka. */
    public static DockerImageName kafka() {
        String version = System.getProperty("ferry.kafka.version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("system property ferry.kafka.version is not set (the pom sets it from Boot's kafka.version)");
        }
        return local("ferry-local/kafka:" + version, "apache/kafka");
    }

    private static DockerImageName local(String image, String upstream) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("the local image " + image + " is missing: build it with " + BUILD
                    + " (it stands in for " + upstream + ", which cannot be pulled here)", e);
        }
        return DockerImageName.parse(image).asCompatibleSubstituteFor(upstream);
    }
}
