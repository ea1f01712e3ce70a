package io.ferry.spring.host;

import io.ferry.core.engine.EngineSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code ferry.host.*}: the host a checkpoint- or restore-service acts for, and its engine's settings
 * (typed here, turned into the engine's {@link EngineSettings} once).
 *
 * @param root              the host's state root, shared with the CLI and image-service (/var/lib/ferry/<id> when empty)
 * @param registryAuth      HOST[:PORT]=USER:PASSWORD: a registry's credentials, sent to that registry only
 * @param registryAuthFile  credentials per registry host, containers-auth.json format
 * @param allowedRegistries registries restores pull from besides those with credentials (HOST[:PORT] each)
 * @param imageServiceUrl   the host's image-service; restores pull missing images through it (in-process when empty)
 * @param heartbeatInterval how often the service announces itself
 * @param tlsVerify         false: plain HTTP to every registry
 * @param startTimeout      how long a container start may take
 * @param checkpointTimeout how long a CRIU dump may take before it is stopped and the container thawed
 * @param restoreTimeout    how long a CRIU restore may take
 * @param maxArchiveBytes   the largest archive a restore unpacks (0: the engine's default)
 * @param runc              runc to use (the first on PATH when empty)
 * @param criu              CRIU to use (Ferry's wrapper, else the first on PATH, when empty)
 * @param trustStore        the hosts whose checkpoints this host restores, one {@code ferry host key} line each
 *                          ({@code <root>/trusted-hosts} when empty); migrations always require a signature by one of them
 * @param encryptCheckpoints false: a migration's archive lies in the registry in plaintext (signed all the same);
 *                          only for a registry nobody else can read, or to measure what encryption costs
 */
@ConfigurationProperties("ferry.host")
public record HostServiceProperties(@DefaultValue("local") String id, Path root, String registryAuth,
                                    Path registryAuthFile, List<String> allowedRegistries,
                                    URI imageServiceUrl, @DefaultValue("5s") Duration heartbeatInterval,
                                    @DefaultValue("true") boolean tlsVerify,
                                    @DefaultValue("30s") Duration startTimeout,
                                    @DefaultValue("5m") Duration checkpointTimeout,
                                    @DefaultValue("5m") Duration restoreTimeout,
                                    @DefaultValue("0") long maxArchiveBytes,
                                    Path runc, Path criu, Path trustStore,
                                    @DefaultValue("true") boolean encryptCheckpoints) {

    public EngineSettings engineSettings() {
        EngineSettings d = EngineSettings.defaults();
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout,
                maxArchiveBytes > 0 ? d.archiveLimits().withMaxTotalBytes(maxArchiveBytes) : d.archiveLimits(),
                runc, criu, null, List.of(), tlsVerify, imageServiceUrl)
                .withRegistryAuthFile(registryAuthFile)
                .withRegistryAuth(registryAuth, "ferry.host.registry-auth")
                .withAllowedRegistries(allowedRegistries == null ? List.of() : allowedRegistries)
                .withTrustStore(trustStore);
    }
}
