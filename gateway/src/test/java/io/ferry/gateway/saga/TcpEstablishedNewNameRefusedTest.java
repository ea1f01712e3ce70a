package io.ferry.gateway.saga;

import io.ferry.core.json.Json;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.protocol.HostHeartbeat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a migration asking for established TCP connections under a new name is refused before anything
 * moves (Podman's "--tcp-established cannot be used with --name"): 422, and the saga records the rejection.
 */
class TcpEstablishedNewNameRefusedTest {

    @Test
    void tcpEstablishedWithANewNameIsRefusedWith422() throws Exception {
        try (OneGateway gateway = OneGateway.start()) {
            gateway.hostsUp(List.of(new HostHeartbeat.RunningContainer("a1".repeat(32), "web", "busybox", "running")));

            HttpResponse<String> refused = gateway.post("/api/migrations", "{\"container\":\"web\",\"sourceHost\":\""
                    + OneGateway.SOURCE + "\",\"targetHost\":\"" + OneGateway.TARGET
                    + "\",\"tcpEstablished\":true,\"newName\":\"web2\"}");

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            JsonNode body = Json.MAPPER.readTree(refused.body());
            assertThat(body.path("detail").asString()).contains("--tcp-established cannot be used with --name");
            String id = body.path("migration").asString().replaceFirst(".*/", "");
            assertThat(gateway.bean(EventLog.class).of(id).stream().map(EventLogEntry::getType).toList())
                    .containsExactly("MigrateRequested", "MigrationRejected");
        }
    }
}
