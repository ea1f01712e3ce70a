package io.ferry.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One run's row: what was done, what the gateway said, what really ran, and the counts. */
final class RunResult {
    int run;
    String fault;
    String direction;
    String injectedAt = "-";
    String outcome = "";
    String where = "";
    int lost;
    int duplicated;
    int stuck;
    int mismatch;
    int counter;
    final List<String> notes = new ArrayList<>();
    double seconds;

    int failures() {
        return lost + duplicated + stuck + mismatch + counter;
    }

    static String header() {
        return "| run | fault | move | injected at | outcome | runs on | lost | dup | stuck | mismatch | counter | s | notes |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    String row() {
        return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %.0f | %s |", run, fault,
                direction, injectedAt, outcome, where, lost, duplicated, stuck, mismatch, counter, seconds,
                String.join("; ", notes).replace('|', '/'));
    }
}
