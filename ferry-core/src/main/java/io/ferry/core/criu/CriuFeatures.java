package io.ferry.core.criu;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;

import java.time.Duration;
import java.util.List;

/**
 * What CRIU can do on this kernel beyond stop-and-copy, from {@code criu check --feature NAME}:
 * post-copy (lazy pages) needs userfaultfd ({@code uffd}), also for other processes ({@code uffd-noncoop});
 * CRIU 4.2 has no feature named lazy_pages, so these two are its check. Pre-copy needs
 * the kernel to track dirty memory ({@code mem_dirty_track}, CONFIG_MEM_SOFT_DIRTY).
 */
public final class CriuFeatures {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private CriuFeatures() {
    }

    /** Null when post-copy works here, else why not. */
    public static String postCopyUnavailable(Criu criu) {
        if (!check(criu, "uffd")) {
            return "the kernel has no userfaultfd (criu check --feature uffd fails): post-copy is unavailable";
        }
        if (!check(criu, "uffd-noncoop")) {
            return "the kernel has no non-cooperative userfaultfd (criu check --feature uffd-noncoop fails):"
                    + " post-copy is unavailable";
        }
        return null;
    }

    /** Null when pre-copy works here, else why not. */
    public static String preCopyUnavailable(Criu criu) {
        return check(criu, "mem_dirty_track") ? null
                : "the kernel does not track dirty memory (CONFIG_MEM_SOFT_DIRTY): pre-copy is unavailable";
    }

    private static boolean check(Criu criu, String feature) {
        CommandResult r = Commands.run(List.of(criu.binary().toString(), "check", "--feature", feature),
                criu.environment(), QUICK);
        return r.ok();
    }
}
