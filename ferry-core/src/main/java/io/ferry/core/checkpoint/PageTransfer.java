package io.ferry.core.checkpoint;

import java.time.Duration;

/** A finished post-copy page transfer: how many bytes of memory went across and how long it took. */
public record PageTransfer(long bytes, Duration took) {
}
