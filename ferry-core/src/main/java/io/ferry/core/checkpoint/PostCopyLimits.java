package io.ferry.core.checkpoint;

import java.time.Duration;

/**
 * How long a post-copy source serves its pages, and a target waits for them, before giving up:
 * {@code FERRY_POSTCOPY_TIMEOUT} (seconds; the system property {@code ferry.postcopy.timeout} for tests),
 * 10 minutes by default. A target that never connects must not hold the source frozen for ever.
 */
public record PostCopyLimits(Duration transfer) {
    public static final String ENV = "FERRY_POSTCOPY_TIMEOUT";
    public static final String PROPERTY = "ferry.postcopy.timeout";

    public static PostCopyLimits fromEnvironment() {
        String v = System.getProperty(PROPERTY, System.getenv(ENV));
        return new PostCopyLimits(v == null || v.isBlank() ? Duration.ofMinutes(10)
                : Duration.ofSeconds(Long.parseLong(v.strip())));
    }
}
