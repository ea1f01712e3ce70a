package io.ferry.bench.compare;

import io.ferry.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run as a JSON file (every round, the medians, the F2 stages, the goals) for tools and later comparison. */
final class CompareReport {
    private CompareReport() {
    }

    static Path write(Path file, Results r, CompareSettings settings, Instant started, Map<String, Object> machine) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("startedAt", started.toString());
        root.put("endedAt", Instant.now().toString());
        root.put("settings", Map.of("rounds", settings.rounds(), "bigRounds", settings.bigRounds(),
                "sizes", settings.sizes().stream().map(Workload::slug).toList()));
        root.put("machine", machine);
        root.put("downtime", "seconds from the checkpoint command's start to running again (R1, P, F1);"
                + " F2: frozen -> running on the target as the gateway records it");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Workload w : r.workloads()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("container", w.label());
            row.put("bytes", w.bytes());
            row.put("rounds", r.rounds.get(w));
            Map<String, Object> columns = new LinkedHashMap<>();
            for (Column c : Column.values()) {
                Results.Cell cell = r.cell(w, c);
                Map<String, Object> col = new LinkedHashMap<>();
                if (cell.notAvailable != null || cell.rounds.isEmpty()) {
                    col.put("notAvailable", cell.notAvailable == null ? "not measured" : cell.notAvailable);
                }
                if (!cell.rounds.isEmpty()) {
                    col.put("medianDowntimeSeconds", cell.median());
                    col.put("medianCheckpointSeconds", cell.medianOf(Timing::checkpoint));
                    col.put("medianRestoreSeconds", cell.medianOf(Timing::restore));
                    col.put("rounds", cell.rounds);
                }
                columns.put(c.title, col);
            }
            row.put("columns", columns);
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (Column f : new Column[]{Column.F2_DIRECT, Column.F2_REGISTRY, Column.F2_POST_COPY, Column.F1}) {
                for (Column base : new Column[]{Column.R1, Column.P}) {
                    double x = r.median(w, f) / r.median(w, base);
                    ratios.put(f.title + " / " + base.title, Double.isNaN(x) ? null : x);
                }
            }
            row.put("ratios", ratios);
            rows.add(row);
        }
        root.put("containers", rows);
        Map<String, String> skipped = new LinkedHashMap<>();
        r.skipped.forEach((w, why) -> skipped.put(w.label(), why));
        root.put("skipped", skipped);
        root.put("migrations", r.migrations);
        double p50 = r.requestToStartP50();
        root.put("requestToCheckpointStartedP50Millis", Double.isNaN(p50) ? null : p50);
        root.put("goals", Goals.judge(r));
        Files.createDirectories(file.getParent());
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return file;
    }
}
