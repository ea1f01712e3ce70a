package io.ferry.gateway;

import io.ferry.core.container.RunRequest;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.ContainerLog;
import io.ferry.core.testing.TestHost;

import java.time.Duration;
import java.util.List;

/**
 * A container whose process holds {@code bytes} of random data (base64, in a shell variable) and prints
 * "sum SHA256" of it every few seconds between the counter's lines: the same sum after a migration
 * proves its memory arrived intact.
 */
final class MemoryChecksums {
    private MemoryChecksums() {
    }

    static String script(long bytes) {
        return "x=$(head -c " + bytes + " /dev/urandom | base64 -w 0); i=0; while true; do"
                + " if [ $((i % 5)) = 0 ]; then echo \"sum $(echo \"$x\" | sha256sum | cut -c1-64)\"; fi;"
                + " echo $i; i=$((i+1)); sleep 1; done";
    }

    static void run(TestHost host, String name, long bytes) {
        host.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", script(bytes)), List.of()));
        awaitSums(host.log(name), 1, Duration.ofSeconds(90));
    }

    static List<String> sums(ContainerLog log) {
        return log.lines().stream().filter(l -> l.startsWith("sum ")).map(l -> l.substring(4)).toList();
    }

    static List<String> awaitSums(ContainerLog log, int n, Duration timeout) {
        log.await(l -> sums(l).size() >= n, timeout, n + " memory checksums");
        return sums(log);
    }
}
