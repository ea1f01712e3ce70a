package io.ferry.bench.compare;

import io.ferry.core.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bench reads from a migration's event log: the mode it really ran in, and the stages. */
class MigrationReadingTest {

    private static MigrationEvents events(String... json) {
        List<JsonNode> list = new ArrayList<>();
        for (String j : json) {
            list.add(Json.MAPPER.readTree(j));
        }
        return new MigrationEvents(list);
    }

    private static String msg(String type, String at, String fields) {
        return "{\"type\":\"" + type + "\",\"meta\":{\"at\":\"" + at + "\"}" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    private static MigrationEvents run(boolean direct, String pageServer, String... more) {
        List<String> all = new ArrayList<>(List.of(
                msg("MigrateRequested", "2026-01-01T00:00:00.000Z", ""),
                msg("CheckpointStarted", "2026-01-01T00:00:00.040Z", ""),
                msg("CheckpointDumped", "2026-01-01T00:00:00.300Z", "\"frozenAt\":\"2026-01-01T00:00:00.100Z\",\"dumpMillis\":200"),
                msg("CheckpointCompleted", "2026-01-01T00:00:01.300Z", "\"direct\":" + direct
                        + (pageServer == null ? "" : ",\"pageServer\":\"" + pageServer + "\"")),
                msg("RestoreStarted", "2026-01-01T00:00:01.350Z", ""),
                msg("RestoreCompleted", "2026-01-01T00:00:02.450Z", "\"runningAt\":\"2026-01-01T00:00:02.400Z\""),
                msg("SourceFinalized", "2026-01-01T00:00:02.700Z", "")));
        all.addAll(List.of(more));
        return events(all.toArray(String[]::new));
    }

    @Test
    void aRegistryRunIsNotADirectOneNorPostCopy() {
        MigrationEvents e = run(false, null);
        assertThat(MigrationMode.REGISTRY.notCarriedOut(e)).isNull();
        assertThat(MigrationMode.DIRECT.notCarriedOut(e)).contains("through the registry");
        assertThat(MigrationMode.POST_COPY.notCarriedOut(e)).contains("stop-and-copy");
    }

    @Test
    void directAndPostCopyRunsAreRecognised() {
        assertThat(MigrationMode.DIRECT.notCarriedOut(run(true, null))).isNull();
        assertThat(MigrationMode.REGISTRY.notCarriedOut(run(true, null))).isNotNull();
        assertThat(MigrationMode.POST_COPY.notCarriedOut(run(true, "10.0.0.1:7000",
                msg("PagesTransferred", "2026-01-01T00:00:05Z", "\"bytes\":1048576,\"millis\":2500")))).isNull();
    }

    @Test
    void stagesComeFromTheLog() {
        MigrationEvents e = run(true, "10.0.0.1:7000", msg("PagesTransferred", "2026-01-01T00:00:05Z", "\"bytes\":1048576,\"millis\":2500"));
        StageBreakdown s = StageBreakdown.of("1 GiB", MigrationMode.POST_COPY, 1, "a", "b", e, Json.MAPPER.readTree("{}"));
        assertThat(s.requestToStartMs()).isEqualTo(40);
        assertThat(s.startToFrozenMs()).isEqualTo(60);
        assertThat(s.dumpMs()).isEqualTo(200);
        assertThat(s.transferMs()).isEqualTo(1000);
        assertThat(s.handoffMs()).isEqualTo(50);
        assertThat(s.restoreMs()).isEqualTo(1050);
        assertThat(s.downtimeMs()).isEqualTo(2300); // frozen -> running, when the view has none
        assertThat(s.finalizeMs()).isEqualTo(300);
        assertThat(s.pagesBytes()).isEqualTo(1048576);
        assertThat(s.ran()).isEqualTo("direct + post-copy");
    }

    @Test
    void goalsAreJudgedOnMedians() {
        Results r = new Results();
        Workload mib = Workload.parse("256m");
        Workload gib = Workload.parse("1g");
        r.rounds.put(mib, 1);
        r.rounds.put(gib, 1);
        r.add(mib, Column.R1, new Timing(1.0, 0, 0, 0));
        r.add(mib, Column.F2_DIRECT, new Timing(1.4, 0, 0, 0));
        r.add(gib, Column.R1, new Timing(2.0, 0, 0, 0));
        r.add(gib, Column.F2_DIRECT, new Timing(3.2, 0, 0, 0));
        r.add(gib, Column.F2_POST_COPY, new Timing(0.5, 0, 0, 0));
        List<Goals.Goal> goals = Goals.judge(r);
        assertThat(goals).extracting(Goals.Goal::status).containsExactly(Goals.Status.MET, Goals.Status.NA,
                Goals.Status.MISSED, Goals.Status.NA, Goals.Status.MET, Goals.Status.NA, Goals.Status.NA);
        assertThat(goals.get(1).informational()).isTrue();
    }
}
