package io.ferry.core.checkpoint;

import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Downtime (frozen on A -> running on B) of post-copy next to stop-and-copy, 256 MiB and 1 GiB of memory,
 * in one run: {@code -Dferry.measure=true} (root). Prints the numbers; asserts only that the memory came
 * through (timings on a shared machine are noise, never a test's verdict).
 */
@Tag("host")
@EnabledIfSystemProperty(named = "ferry.measure", matches = "true")
class PostCopyDowntimeMeasurement {
    @TempDir
    Path tmp;

    @Test
    void downtimeLazyVersusStopAndCopy() throws Exception {
        for (long mib : new long[]{256, 1024}) {
            long random = mib * 3 / 4 << 20; // base64 makes it mib MiB
            measure(mib, random, false);
            measure(mib, random, true);
        }
    }

    private void measure(long mib, long randomBytes, boolean lazy) throws Exception {
        TestHost a = TestHost.create("dta");
        TestHost b = TestHost.create("dtb");
        try {
            a.run("mem", PostCopyTest.memoryHolder(randomBytes));
            PostCopyTest.awaitSums(a, "mem", 1);
            String before = PostCopyTest.sums(a, "mem").get(0);
            Path archive = tmp.resolve("mem-" + mib + "-" + lazy + ".tar.zst");
            CheckpointOptions options = CheckpointOptions.defaults();
            if (lazy) {
                options = options.withPostCopy(new PageServer("127.0.0.1", 0));
            }
            CheckpointResult c = a.engine().checkpoint("mem", options, ArchiveTarget.file(archive)).result();
            RestoreOptions restore = lazy ? RestoreOptions.defaults().withPostCopyFrom(c.pageServing().endpoint())
                    : RestoreOptions.defaults();
            RestoreResult r = b.engine().restore(ArchiveSource.file(archive), restore);
            Instant running = Instant.now();
            Duration downtime = Duration.between(c.frozenAt(), running);
            String pages = "";
            if (lazy) {
                PageTransfer t = r.pageFetching().done().get(5, TimeUnit.MINUTES);
                c.pageServing().done().get(1, TimeUnit.MINUTES);
                c.pageServing().release();
                pages = String.format(Locale.ROOT, ", all pages on B %.2f s after the freeze (%d MiB fetched in %.2f s)",
                        Duration.between(c.frozenAt(), Instant.now()).toMillis() / 1000.0, t.bytes() >> 20,
                        t.took().toMillis() / 1000.0);
            }
            System.out.printf(Locale.ROOT, "MEASURED %5d MiB %-14s downtime %.2f s (dump %.2f s, archive %d KiB)%s%n",
                    mib, lazy ? "post-copy" : "stop-and-copy", downtime.toMillis() / 1000.0,
                    c.runtimeDuration().toMillis() / 1000.0, Files.size(archive) >> 10, pages);
            Files.writeString(b.rootfs("mem").resolve("tmp/check"), "");
            PostCopyTest.awaitSums(b, "mem", 2);
            assertThat(PostCopyTest.sums(b, "mem")).containsExactly(before, before);
        } finally {
            a.close();
            b.close();
        }
    }
}
