package io.ferry.spring.host;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ferry.host.*}: the host a checkpoint- or restore-service acts for.
 *
 * @param root              the host's state root, shared with the CLI and image-service (/var/lib/ferry/<id> when empty)
 * @param registryAuth      user:password for the registry (as FERRY_REGISTRY_AUTH)
 * @param imageServiceUrl   the host's image-service; restores pull missing images through it (in-process when empty)
 * @param heartbeatInterval how often the service announces itself
 * @param tlsVerify         false: plain HTTP to every registry (as FERRY_TLS_VERIFY)
 */
@ConfigurationProperties("ferry.host")
public record HostServiceProperties(@DefaultValue("local") String id, Path root, String registryAuth,
                                    String imageServiceUrl, @DefaultValue("5s") Duration heartbeatInterval,
                                    @DefaultValue("true") boolean tlsVerify) {
}
