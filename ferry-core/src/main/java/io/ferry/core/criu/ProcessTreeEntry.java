package io.ferry.core.criu;

/** One task of a checkpoint's process tree (pstree.img, with the command from core-PID.img). */
public record ProcessTreeEntry(long pid, long ppid, long pgid, long sid, int threads, String command) {
}
