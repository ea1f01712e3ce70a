package io.ferry.core.engine;

/**
 * What a host can do beyond stop-and-copy. {@code postCopy}: CRIU's lazy pages (userfaultfd) work here;
 * {@code preCopy}: iterative pre-dumps work (the kernel tracks dirty memory, {@code criu check --feature
 * mem_dirty_track}). A reason says why a feature is missing (null when present).
 */
public record HostFeatures(boolean postCopy, String postCopyUnavailable, boolean preCopy, String preCopyUnavailable) {
}
