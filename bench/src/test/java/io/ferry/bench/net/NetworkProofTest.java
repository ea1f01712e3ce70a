package io.ferry.bench.net;

import io.ferry.bench.chaos.ChaosTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's proof ({@link NetworkProof}) on a topology of its own (ChaosTopology under the tag {@code proof}).
 * CI runs the same proof on the chaos suite's topology ({@code bench/run.sh chaos --network-proof} in
 * scripts/test.sh), so the bench's surefire leaves this test out (tag {@code proof}); by hand, as root:
 * {@code mvn -B -o verify -pl bench -Dferry.bench.excludedGroups=none -Dtest=NetworkProofTest}.
 */
@Tag("host")
@Tag("proof")
class NetworkProofTest {

    @Test
    void aMovedWebServiceKeepsItsAddressAndItsHeldConnection() throws Exception {
        Path repo = Path.of(System.getProperty("ferry.repo", "..")).toAbsolutePath().normalize();
        Path state = Files.createTempDirectory("ferry-proof");
        try (ChaosTopology topo = new ChaosTopology(repo, state, "10.88.79", repo.resolve("bench/target/proof-logs"), "proof")) {
            topo.start();
            assertThat(new NetworkProof(topo, state, "proof").run()).as("the network proof's failed assertions").isEmpty();
        }
    }
}
