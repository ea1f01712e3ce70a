package io.ferry.bench.net;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeReportTest {
    private static final ProbeReport KEPT = new ProbeReport(new ProbeReport.Http(900, 12, 640, 1000, 1640, 15),
            new ProbeReport.Tcp("kept", 1200, 0, 1199, null, 610, 1010, 1620, 8));

    @Test
    void theMachineLineReadsBackAsItsValues() {
        Map<String, String> v = ProbeReport.parse(KEPT.line());

        assertThat(v).containsEntry("http_ok", "900").containsEntry("http_failed", "12").containsEntry("http_max_gap_ms", "640")
                .containsEntry("tcp", "kept").containsEntry("counter", "continued").containsEntry("tcp_max_gap_ms", "610")
                .containsEntry("tcp_last", "1199").containsEntry("tcp_last_line_age_ms", "8");
    }

    @Test
    void aBrokenConnectionAndAJumpedCounterSaySo() {
        ProbeReport r = new ProbeReport(KEPT.http(), new ProbeReport.Tcp("broken (Connection reset)", 40, 0, 0, "39 -> 0",
                0, 0, 0, 3000));

        assertThat(ProbeReport.parse(r.line())).containsEntry("tcp", "broken").containsEntry("counter", "jumped");
        assertThat(r.table("x")).contains("broken (Connection reset)").contains("JUMPED 39 -> 0");
    }

    @Test
    void anythingElseIsNotAProbeLine() {
        assertThatThrownBy(() -> ProbeReport.parse("READY")).isInstanceOf(IllegalArgumentException.class);
    }
}
