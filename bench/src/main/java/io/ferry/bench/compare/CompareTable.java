package io.ferry.bench.compare;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Prints the run's results as Markdown tables: downtime, ratios, the local halves, every F2 run's stages, the goals. */
final class CompareTable {
    private final Results r;
    private final PrintStream out;
    private final List<String> notes = new ArrayList<>();

    CompareTable(Results r, PrintStream out) {
        this.r = r;
        this.out = out;
    }

    void print() {
        out.println();
        out.println("Downtime, median seconds (checkpoint start -> running again; F2: frozen -> running on the target, the gateway's view)");
        out.println();
        row("container", "rounds", Column.R1.title, Column.P.title, Column.F1.title, Column.F2_DIRECT.title,
                Column.F2_REGISTRY.title, Column.F2_POST_COPY.title);
        rule(8);
        for (Workload w : r.workloads()) {
            List<String> cells = new ArrayList<>(List.of(w.label(), String.valueOf(r.rounds.get(w))));
            for (Column c : Column.values()) {
                cells.add(cell(w, c));
            }
            row(cells.toArray(String[]::new));
        }
        r.skipped.forEach((w, why) -> out.println("skipped " + w.label() + ": " + why));
        notes.forEach(out::println);

        out.println();
        out.println("Ratios of median downtimes");
        out.println();
        row("container", "F2 direct / R1", "F2 direct / P", "F2 registry / R1", "F2 registry / P", "F2 post-copy / R1",
                "F2 post-copy / P", "F1 / P", "F1 / R1");
        rule(9);
        for (Workload w : r.workloads()) {
            row(w.label(), ratio(w, Column.F2_DIRECT, Column.R1), ratio(w, Column.F2_DIRECT, Column.P),
                    ratio(w, Column.F2_REGISTRY, Column.R1), ratio(w, Column.F2_REGISTRY, Column.P),
                    ratio(w, Column.F2_POST_COPY, Column.R1), ratio(w, Column.F2_POST_COPY, Column.P),
                    ratio(w, Column.F1, Column.P), ratio(w, Column.F1, Column.R1));
        }

        out.println();
        out.println("Local halves, median seconds (checkpoint[+export] | [import+]restore), archive MiB");
        out.println();
        row("container", "R1 ckpt", "R1 restore", "P ckpt+export", "P import+restore", "P archive", "F1 ckpt+export",
                "F1 import+restore", "F1 archive");
        rule(9);
        for (Workload w : r.workloads()) {
            row(w.label(), half(w, Column.R1, Timing::checkpoint), half(w, Column.R1, Timing::restore),
                    half(w, Column.P, Timing::checkpoint), half(w, Column.P, Timing::restore), mib(w, Column.P),
                    half(w, Column.F1, Timing::checkpoint), half(w, Column.F1, Timing::restore), mib(w, Column.F1));
        }

        out.println();
        out.println("Every F2 run, where the time goes (ms; request -> checkpoint started, started -> frozen, CRIU dump,"
                + " frozen+dump -> checkpoint completed (pack + transfer), completed -> restore started, restore started -> running,"
                + " downtime, running -> source finalized, total; post-copy pages fetched after the restore)");
        out.println();
        row("container", "asked", "ran", "round", "from -> to", "req->started", "->frozen", "dump", "transfer", "handoff", "restore",
                "downtime", "finalize", "total", "pages after restore");
        rule(15);
        for (StageBreakdown m : r.migrations) {
            row(m.workload(), m.mode(), m.ran(),
                    String.valueOf(m.round()), m.from() + " -> " + m.to(), ms(m.requestToStartMs()), ms(m.startToFrozenMs()),
                    ms(m.dumpMs()), ms(m.transferMs()), ms(m.handoffMs()), ms(m.restoreMs()), ms(m.downtimeMs()),
                    ms(m.finalizeMs()), ms(m.totalMs()), m.pagesBytes() == null ? "-"
                            : String.format(Locale.ROOT, "%.1f MiB in %s ms", m.pagesBytes() / 1048576.0, ms(m.pagesMs())));
        }
        double p50 = r.requestToStartP50();
        out.println();
        out.println(Double.isNaN(p50) ? "request -> checkpoint started p50: n/a (no F2 run)"
                : String.format(Locale.ROOT, "request -> checkpoint started p50: %.0f ms over %d F2 runs (goal < 50 ms;"
                + " runs of a mode not carried out count: the request path is the same)", p50,
                r.migrations.size()));

        out.println();
        out.println("Goals");
        out.println();
        row("goal", "measured", "status");
        rule(3);
        for (Goals.Goal g : Goals.judge(r)) {
            String status = g.status() == Goals.Status.NA ? "n/a (not measured)" : g.status().name().toLowerCase(Locale.ROOT);
            row(g.goal(), g.measured(), g.informational() ? status + " (for information: the goal is the default, direct)" : status);
        }
    }

    private String cell(Workload w, Column c) {
        Results.Cell cell = r.cell(w, c);
        if (!cell.rounds.isEmpty() && cell.notAvailable == null) {
            return String.format(Locale.ROOT, "%.3f", cell.median());
        }
        String why = cell.notAvailable == null ? "not measured in this run" : cell.notAvailable;
        String note = c.title + (cell.rounds.isEmpty() ? ": n/a (" : ": stopped after " + cell.rounds.size() + " rounds (") + why + ")";
        if (!notes.contains(note)) {
            notes.add(note);
        }
        return cell.rounds.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.3f (partial)", cell.median());
    }

    private String ratio(Workload w, Column a, Column b) {
        double x = r.median(w, a) / r.median(w, b);
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2fx", x);
    }

    private String half(Workload w, Column c, ToDoubleFunction<Timing> f) {
        double x = r.cell(w, c).medianOf(f);
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.3f", x);
    }

    private String mib(Workload w, Column c) {
        double x = r.cell(w, c).medianOf(t -> t.archiveBytes());
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f", x / 1048576.0);
    }

    private static String ms(Long v) {
        return v == null ? "-" : String.valueOf(v);
    }

    private void row(String... cells) {
        out.println("| " + String.join(" | ", cells) + " |");
    }

    private void rule(int n) {
        out.println("|" + "---|".repeat(n));
    }
}
