package io.ferry.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Issue 11's goals, judged on this run's medians: met, missed, or n/a (not measured in this run). */
final class Goals {
    enum Status { MET, MISSED, NA }

    /** {@code informational}: shown beside a goal, not one itself (stop-and-copy through the registry). */
    record Goal(String goal, String measured, Status status, boolean informational) {
        Goal(String goal, String measured, Status status) {
            this(goal, measured, status, false);
        }
    }

    private static final long MIB256 = 256L << 20;
    private static final long GIB = 1L << 30;
    private static final long GIB4 = 4L << 30;

    private Goals() {
    }

    static List<Goal> judge(Results r) {
        List<Goal> goals = new ArrayList<>();
        for (long size : new long[]{MIB256, GIB}) {
            Optional<Workload> w = find(r, size);
            for (Column c : new Column[]{Column.F2_DIRECT, Column.F2_REGISTRY}) {
                String goal = "stop-and-copy (" + c.title + ") downtime <= 1.5x R1, " + Workload.label(size);
                double ratio = w.map(x -> r.median(x, c) / r.median(x, Column.R1)).orElse(Double.NaN);
                Goal g = ratio(goal, ratio, 1.5);
                goals.add(c == Column.F2_DIRECT ? g : new Goal(g.goal(), g.measured(), g.status(), true));
            }
        }
        Optional<Workload> g1 = find(r, GIB);
        double post1 = g1.map(x -> r.median(x, Column.F2_POST_COPY)).orElse(Double.NaN);
        goals.add(Double.isNaN(post1) ? new Goal("post-copy downtime <= 0.6 s, 1 GiB", "n/a", Status.NA)
                : new Goal("post-copy downtime <= 0.6 s, 1 GiB", s(post1), post1 <= 0.6 ? Status.MET : Status.MISSED));
        double post4 = find(r, GIB4).map(x -> r.median(x, Column.F2_POST_COPY)).orElse(Double.NaN);
        goals.add(ratio("post-copy downtime 4 GiB within 20% of 1 GiB's", post4 / post1, 1.2));
        double p50 = r.requestToStartP50();
        goals.add(Double.isNaN(p50) ? new Goal("request -> checkpoint started p50 < 50 ms", "n/a", Status.NA)
                : new Goal("request -> checkpoint started p50 < 50 ms", String.format(Locale.ROOT, "%.0f ms", p50),
                p50 < 50 ? Status.MET : Status.MISSED));
        return goals;
    }

    private static Goal ratio(String goal, double ratio, double limit) {
        if (Double.isNaN(ratio)) {
            return new Goal(goal, "n/a", Status.NA);
        }
        return new Goal(goal, String.format(Locale.ROOT, "%.2fx", ratio), ratio <= limit ? Status.MET : Status.MISSED);
    }

    private static String s(double seconds) {
        return String.format(Locale.ROOT, "%.3f s", seconds);
    }

    private static Optional<Workload> find(Results r, long bytes) {
        return r.workloads().stream().filter(w -> w.bytes() == bytes && !w.slug().equals("looper")).findFirst();
    }
}
