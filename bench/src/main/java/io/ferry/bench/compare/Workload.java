package io.ferry.bench.compare;

import java.util.Locale;

/**
 * A row of the comparison: a busybox shell that holds {@code bytes} of random data (base64 text, in
 * shell variables of at most 256 MiB each: busybox's printf takes an int length) and counts. It prints
 * {@code sum0 <sha256>} of that data once at start and {@code sum <sha256>} again on every SIGUSR1,
 * so a restored copy can be asked whether its memory is still the same.
 */
record Workload(String slug, String label, long bytes) {
    private static final long CHUNK = 256L << 20;
    private static final String LOOP = "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done";

    /** {@code looper}, {@code 256m}, {@code 1g}, {@code 4g} (any NNNm / NNg). */
    static Workload parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("looper")) {
            return new Workload("looper", "looper", 4096); // a few KiB, so its checksum is checked like the others'
        }
        if (!s.matches("\\d+[mg]")) {
            throw new IllegalArgumentException("a size is looper, NNNm or NNg, not '" + spec + "'");
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        long bytes = n << (s.endsWith("g") ? 30 : 20);
        return new Workload(s, label(bytes), bytes);
    }

    /** "256 MiB", "1 GiB". */
    static String label(long bytes) {
        return bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    /** 1 GiB and more: fewer rounds by default (each round moves that much memory several times). */
    boolean big() {
        return bytes >= 1L << 30;
    }

    /** The container's shell script: fill the variables, print the first checksum, answer USR1, count. */
    String script() {
        StringBuilder s = new StringBuilder();
        StringBuilder vars = new StringBuilder();
        long left = bytes;
        for (int k = 0; left > 0; k++) {
            long text = Math.min(CHUNK, left);
            left -= text;
            s.append("x").append(k).append("=$(head -c ").append(text / 4 * 3).append(" /dev/urandom | base64 -w 0); ");
            vars.append(" \"$x").append(k).append('"');
        }
        s.append("s() { printf %s").append(vars).append(" | sha256sum | cut -c1-64; }; ");
        s.append("echo \"sum0 $(s)\"; trap 'echo \"sum $(s)\"' USR1; ");
        return s.append(LOOP).toString();
    }
}
