package io.ferry.bench.compare;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench/run.sh compare [--rounds N] [--big-rounds M] [--sizes looper,256m,1g,4g] [--only r1,p,f1,f2] [--out FILE]};
 * a bare number is --rounds. Sizes of 1 GiB and more run --big-rounds rounds.
 */
record CompareSettings(int rounds, int bigRounds, List<Workload> sizes, Set<Kind> kinds, Path out) {
    static final String USAGE = "usage: bench/run.sh compare [--rounds N (5)] [--big-rounds M (3, for 1 GiB and more)]"
            + " [--sizes looper,256m,1g,4g] [--only r1,p,f1,f2] [--out FILE (bench/target/compare-<time>.json)]";

    /** What to measure: R1, P, F1 (one host each) and F2 (the cluster, every mode). */
    enum Kind {
        R1, P, F1, F2;

        List<Column> columns() {
            switch (this) {
                case R1:
                    return List.of(Column.R1);
                case P:
                    return List.of(Column.P);
                case F1:
                    return List.of(Column.F1);
                default:
                    return List.of(Column.F2_DIRECT, Column.F2_REGISTRY, Column.F2_POST_COPY);
            }
        }
    }

    static CompareSettings parse(String[] args) {
        int rounds = 5;
        int bigRounds = 3;
        List<Workload> sizes = new ArrayList<>();
        for (String s : List.of("looper", "256m", "1g", "4g")) {
            sizes.add(Workload.parse(s));
        }
        Set<Kind> kinds = EnumSet.allOf(Kind.class);
        Path out = Path.of("bench/target/compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.matches("\\d+")) {
                rounds = Integer.parseInt(a);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--big-rounds" -> bigRounds = Integer.parseInt(v);
                case "--sizes" -> {
                    sizes.clear();
                    for (String s : v.split(",")) {
                        sizes.add(Workload.parse(s));
                    }
                }
                case "--only" -> {
                    kinds.clear();
                    for (String k : v.split(",")) {
                        kinds.add(Kind.valueOf(k.strip().toUpperCase(Locale.ROOT)));
                    }
                }
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
            }
        }
        if (rounds < 1 || bigRounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1; " + USAGE);
        }
        return new CompareSettings(rounds, bigRounds, sizes, kinds, out.toAbsolutePath());
    }

    int roundsOf(Workload w) {
        return w.big() ? bigRounds : rounds;
    }
}
