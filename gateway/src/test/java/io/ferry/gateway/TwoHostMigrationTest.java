package io.ferry.gateway;

import io.ferry.core.container.RunRequest;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole Ferry with hosts A and B for the tests of a class, and the steps their migrations share. The
 * classes share one cluster ({@link SharedTwoHostCluster}: started once, reset after each class).
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoHostMigrationTest {
    static final Duration MIGRATION = Duration.ofSeconds(90);
    static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");
    FerryCluster cluster;
    TestHost a;
    TestHost b;

    @RegisterExtension
    static final SharedTwoHostCluster SHARED = new SharedTwoHostCluster();

    @BeforeAll
    void startCluster() {
        cluster = SHARED.cluster();
        a = cluster.node("hosta").host();
        b = cluster.node("hostb").host();
    }

    @AfterAll
    void resetCluster() {
        SHARED.reset();
    }

    String request(String container) {
        return "{\"container\":\"" + container + "\",\"sourceHost\":\"" + a.host().id() + "\",\"targetHost\":\""
                + b.host().id() + "\"}";
    }

    /** Starts a looper on A and waits until the gateway sees it in A's heartbeat. */
    void looperOnA(String name, String... volumes) {
        a.engine().containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", TestHost.LOOPER),
                Stream.of(volumes).map(VolumeMount::parse).toList()));
        a.log(name).awaitNumberAtLeast(1, Duration.ofSeconds(20));
        FerryCluster.await(() -> cluster.get("/api/hosts/" + a.host().id() + "/containers").body().contains("\"" + name + "\""),
                Duration.ofSeconds(30), "the gateway to see " + name + " on " + a.host().id());
    }

    /** Starts the move of {@code container} from A to B over REST and returns the migration id. */
    String started(String container) {
        HttpResponse<String> created = cluster.post("/api/migrations", request(container));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return created.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
    }

    // issue 11: a direct migration's stopped source copy stays until its registry copy is written (off the critical path)

    /** Waits until the stopped source copy of {@code name} is removed from A (finalize, after the registry copy). */
    void awaitSourceCopyGone(String name) {
        FerryCluster.await(() -> a.engine().containers().store().find(name).isEmpty(), Duration.ofSeconds(60),
                "the source copy of " + name + " to be removed from " + a.host().id());
    }
}
