package io.ferry.imageservice.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code ferry.*} for the image service: the host it serves (its id and state root, shared with the
 * engine) and registry access.
 *
 * @param registryAuth      HOST[:PORT]=USER:PASSWORD (as FERRY_REGISTRY_AUTH): sent to that registry only
 * @param registryAuthFile  credentials per registry host, containers-auth.json format
 * @param allowedRegistries registries the API pulls from besides those with credentials (HOST[:PORT] each)
 * @param tlsVerify     false: plain HTTP to every registry
 */
@ConfigurationProperties("ferry")
public record ImageServiceProperties(@DefaultValue HostSettings host, String registryAuth, Path registryAuthFile,
                                     List<String> allowedRegistries, @DefaultValue("true") boolean tlsVerify) {

    /** @param root the host's state root; /var/lib/ferry/<id> when empty */
    public record HostSettings(@DefaultValue("local") String id, Path root) {
    }
}
