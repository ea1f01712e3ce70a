package io.ferry.bench.compare;

/**
 * One measured checkpoint + restore: downtime (seconds from the checkpoint command's start to the
 * restored container running), the two halves, and the archive's size (0 when there is none).
 */
record Timing(double downtime, double checkpoint, double restore, long archiveBytes) {
    static Timing of(long t0, long t1, long t2, long t3, long archiveBytes) {
        return new Timing((t3 - t0) / 1e9, (t1 - t0) / 1e9, (t3 - t2) / 1e9, archiveBytes);
    }
}
