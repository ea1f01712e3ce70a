package io.ferry.core.engine;

import io.ferry.core.tar.ArchiveLimits;

import java.time.Duration;
import java.util.Map;

/**
 * Engine knobs. Every external call has a timeout: CRIU can hang (e.g. on a SIGSTOPped task) and a
 * stuck checkpoint must turn into a reported failure with the container still running.
 */
public record EngineSettings(
        Duration startTimeout,
        Duration checkpointTimeout,
        Duration restoreTimeout,
        ArchiveLimits archiveLimits) {

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(5), ArchiveLimits.defaults());
    }

    /** Defaults overridden by FERRY_CHECKPOINT_TIMEOUT, FERRY_RESTORE_TIMEOUT (seconds), FERRY_MAX_ARCHIVE_BYTES. */
    public static EngineSettings fromEnvironment(Map<String, String> env) {
        EngineSettings d = defaults();
        return new EngineSettings(
                seconds(env, "FERRY_START_TIMEOUT", d.startTimeout),
                seconds(env, "FERRY_CHECKPOINT_TIMEOUT", d.checkpointTimeout),
                seconds(env, "FERRY_RESTORE_TIMEOUT", d.restoreTimeout),
                env.containsKey("FERRY_MAX_ARCHIVE_BYTES")
                        ? d.archiveLimits.withMaxTotalBytes(Long.parseLong(env.get("FERRY_MAX_ARCHIVE_BYTES")))
                        : d.archiveLimits);
    }

    public EngineSettings withCheckpointTimeout(Duration timeout) {
        return new EngineSettings(startTimeout, timeout, restoreTimeout, archiveLimits);
    }

    public EngineSettings withRestoreTimeout(Duration timeout) {
        return new EngineSettings(startTimeout, checkpointTimeout, timeout, archiveLimits);
    }

    public EngineSettings withArchiveLimits(ArchiveLimits limits) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, limits);
    }

    private static Duration seconds(Map<String, String> env, String key, Duration fallback) {
        String v = env.get(key);
        return v == null ? fallback : Duration.ofSeconds(Long.parseLong(v));
    }
}
