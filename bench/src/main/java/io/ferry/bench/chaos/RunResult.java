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
    int restart;
    final List<String> notes = new ArrayList<>();
    double seconds;

    int failures() {
        return lost + duplicated + stuck + mismatch + counter + restart;
    }

    static String header() {
        return "| run | fault | move | injected at | outcome | runs on | lost | dup | stuck | mismatch | counter | restart | s | notes |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    String row() {
        return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d | %.0f | %s |", run, fault,
                direction, injectedAt, outcome, where, lost, duplicated, stuck, mismatch, counter, restart, seconds,
                String.join("; ", notes).replace('|', '/'));
    }
}
