package io.ferry.core.volume;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A named volume; its content lives in {@code mountpoint}. {@code anonymous}: made by {@code run -v /path}
 * for one container (null: false, as older records say), removed with it by {@code rm -v} and {@code --rm}.
 */
public record Volume(String name, Instant created, Path mountpoint, Boolean anonymous) {
    public Volume(String name, Instant created, Path mountpoint) {
        this(name, created, mountpoint, null);
    }

    public boolean isAnonymous() {
        return Boolean.TRUE.equals(anonymous);
    }
}
