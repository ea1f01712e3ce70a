package io.ferry.core.volume;

import java.nio.file.Path;
import java.time.Instant;

/** A named volume; its content lives in {@code mountpoint}. */
public record Volume(String name, Instant created, Path mountpoint) {
}
