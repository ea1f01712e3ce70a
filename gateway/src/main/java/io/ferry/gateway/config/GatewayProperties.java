package io.ferry.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ferry.gateway.*}.
 *
 * @param registry          host:port of the registry migrations put their archives in
 * @param archiveRepository where migration archives go: {@code <archiveRepository>/<source host>:<migration id>}
 * @param heartbeatTtl      a host whose service has not beaten for this long is down
 * @param timeouts          how long each stage may take before the coordinator rolls back
 */
@ConfigurationProperties("ferry.gateway")
public record GatewayProperties(Path dataDir, @DefaultValue("localhost:5000") String registry,
                                @DefaultValue("ferry/migrations") String archiveRepository,
                                @DefaultValue("15s") Duration heartbeatTtl, @DefaultValue Timeouts timeouts) {

    /**
     * Per state: how long a migration may stay in it without a word from its host. {@code transferringPages}
     * (post-copy): the target says every {@code ferry.host.progress-tick} that pages are still coming; silence this
     * long makes the gateway ask it again, and a second silence ends the migration FAILED.
     */
    public record Timeouts(@DefaultValue("2m") Duration requested, @DefaultValue("10m") Duration checkpointing,
                           @DefaultValue("10m") Duration restoring, @DefaultValue("2m") Duration finalizing,
                           @DefaultValue("10m") Duration rollingBack, @DefaultValue("5m") Duration transferringPages) {
    }
}
