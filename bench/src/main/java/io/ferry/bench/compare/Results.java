package io.ferry.bench.compare;

import io.ferry.bench.Stats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything measured in the run: per workload and column the rounds (or why there are none), and every F2 run's stages. */
final class Results {
    /** One table cell: its rounds, or the reason it has none. */
    static final class Cell {
        final List<Timing> rounds = new ArrayList<>();
        String notAvailable;

        double median() {
            return Stats.median(rounds.stream().map(Timing::downtime).toList());
        }

        double medianOf(java.util.function.ToDoubleFunction<Timing> f) {
            return Stats.median(rounds.stream().map(f::applyAsDouble).toList());
        }
    }

    final Map<Workload, Integer> rounds = new LinkedHashMap<>();
    final Map<Workload, String> skipped = new LinkedHashMap<>();
    private final Map<Workload, Map<Column, Cell>> cells = new LinkedHashMap<>();
    final List<StageBreakdown> migrations = new ArrayList<>();

    Cell cell(Workload w, Column c) {
        return cells.computeIfAbsent(w, k -> new EnumMap<>(Column.class)).computeIfAbsent(c, k -> new Cell());
    }

    void add(Workload w, Column c, Timing t) {
        cell(w, c).rounds.add(t);
    }

    /** Why the column has no (or, after some rounds, no more) rounds for this workload. */
    void notAvailable(Workload w, Column c, String reason) {
        cell(w, c).notAvailable = reason;
    }

    List<Workload> workloads() {
        return new ArrayList<>(rounds.keySet());
    }

    /** Median downtime in seconds; NaN when the column was not measured. */
    double median(Workload w, Column c) {
        return cell(w, c).median();
    }

    /** p50 of request -> checkpoint started over every F2 run, in ms (NaN without runs). */
    double requestToStartP50() {
        return Stats.median(migrations.stream().filter(m -> m.requestToStartMs() != null)
                .map(m -> m.requestToStartMs().doubleValue()).toList());
    }
}
