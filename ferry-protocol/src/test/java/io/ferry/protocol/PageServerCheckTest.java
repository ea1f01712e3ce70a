package io.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Post-copy's page server (HOST:PORT) comes from the source's CheckpointCompleted and goes to the target, which
 * dials it: a forged one (a URL, options for CRIU, a port out of range) is refused where it is decoded.
 */
class PageServerCheckTest {
    private static MigrationMessage.RestoreCommand restore(String pageServer) {
        return new MigrationMessage.RestoreCommand(new Meta("m1/restore", "m1", "host-b", Instant.EPOCH, Meta.VERSION),
                "registry://r:5000/ferry/c:m1", null, false, null, "host-a", null, false, null, null, pageServer);
    }

    private static MigrationMessage.CheckpointCompleted completed(String pageServer) {
        return new MigrationMessage.CheckpointCompleted(new Meta("m1/completed", "m1", "host-a", Instant.EPOCH, Meta.VERSION),
                "registry://r:5000/ferry/c:m1", null, 1, Instant.EPOCH, 1, 1, null, null, null, false, null, pageServer);
    }

    @Test
    void pageServersAreAddressColonPort() {
        for (String ok : List.of("127.0.0.1:40123", "[::1]:40123", "host-a.example:1", "10.0.0.7:65535")) {
            assertThat(MessageCodec.decode(MessageCodec.encode(restore(ok)))).isEqualTo(restore(ok));
            assertThat(MessageCodec.decode(MessageCodec.encode(completed(ok)))).isEqualTo(completed(ok));
        }
        assertThat(MessageCodec.decode(MessageCodec.encode(restore(null)))).as("stop-and-copy").isEqualTo(restore(null));
    }

    @Test
    void forgedPageServersAreRefusedAtDecode() {
        for (String forged : List.of("http://evil:80", "127.0.0.1:40123 --action-script=/x", "127.0.0.1", "a:99999",
                "-p:1", "host\n:1")) {
            assertThatThrownBy(() -> MessageCodec.decode(MessageCodec.encode(restore(forged))))
                    .hasMessageStartingWith("RestoreCommand: pageServer must be ADDRESS:PORT");
            assertThatThrownBy(() -> MessageCodec.decode(MessageCodec.encode(completed(forged))))
                    .hasMessageStartingWith("CheckpointCompleted: pageServer must be ADDRESS:PORT");
        }
    }
}
