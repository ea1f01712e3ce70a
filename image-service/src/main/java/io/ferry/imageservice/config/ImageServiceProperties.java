package io.ferry.imageservice.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * {@code ferry.*} for the image service: the host it serves (its id and state root, shared with the
 * engine) and registry access.
 *
 * @param registryAuth  user:password for registries (as FERRY_REGISTRY_AUTH)
 * @param tlsVerify     false: plain HTTP to every registry
 */
@ConfigurationProperties("ferry")
public record ImageServiceProperties(@DefaultValue HostSettings host, String registryAuth,
                                     @DefaultValue("true") boolean tlsVerify) {

    /** @param root the host's state root; /var/lib/ferry/<id> when empty */
    public record HostSettings(@DefaultValue("local") String id, Path root) {
    }
}
