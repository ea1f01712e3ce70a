package io.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one definition of outside identifiers, and forged messages refused where they are decoded. */
class IdentifiersTest {
    private static final String ID = "0123456789abcdef".repeat(4);

    @Test
    void containerAndImageIdsAre64LowercaseHex() {
        assertThat(Identifiers.containerId("container id", ID)).isEqualTo(ID);
        assertThatThrownBy(() -> Identifiers.containerId("container.id", "abc"))
                .hasMessage("invalid container.id \"abc\": must be 64 lowercase hex digits");
        assertThatThrownBy(() -> Identifiers.containerId("container.id", "../../../etc"))
                .hasMessage("invalid container.id \"../../../etc\": must be 64 lowercase hex digits");
        assertThatThrownBy(() -> Identifiers.imageId("image id", ID.toUpperCase()))
                .hasMessageStartingWith("invalid image id");
        assertThatThrownBy(() -> Identifiers.containerId("container.id", null)).hasMessage("container.id is missing");
    }

    @Test
    void namesFollowPodmansRuleWithABound() {
        assertThat(Identifiers.name("name", "web-1.a_b")).isEqualTo("web-1.a_b");
        assertThat(Identifiers.name("name", "a".repeat(128))).hasSize(128);
        assertThatThrownBy(() -> Identifiers.name("name", "a".repeat(129))).hasMessageContaining("at most 128");
        assertThatThrownBy(() -> Identifiers.name("name", "-x")).hasMessageStartingWith("invalid name \"-x\"");
        assertThatThrownBy(() -> Identifiers.name("name", "..")).hasMessageStartingWith("invalid name \"..\"");
        assertThatThrownBy(() -> Identifiers.volumeName("volume name", "a/b")).hasMessageStartingWith("invalid volume name");
    }

    @Test
    void refusedValuesAreShownEscapedAndCut() {
        assertThatThrownBy(() -> Identifiers.name("container.name", "web\nfake line\u001b[2J"))
                .hasMessage("invalid container.name \"web\\nfake line\\u001b[2J\": must match"
                        + " [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 128 characters");
        assertThatThrownBy(() -> Identifiers.name("container.name", "x".repeat(5000)))
                .hasMessageStartingWith("invalid container.name \"" + "x".repeat(80) + "\"…(5000 characters)");
        assertThat(Identifiers.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(Identifiers.escape("a\r\tb\u0085\u202e")).isEqualTo("a\\r\\tb\\u0085\\u202e");
    }

    @Test
    void digestsAreSha256AndHex() {
        assertThat(Identifiers.digest("digest", "sha256:" + ID)).isEqualTo("sha256:" + ID);
        assertThatThrownBy(() -> Identifiers.digest("layers[0].digest", "sha256:../../x"))
                .hasMessage("invalid layers[0].digest \"sha256:../../x\": must be sha256: followed by 64 lowercase"
                        + " hex digits");
        assertThatThrownBy(() -> Identifiers.digest("digest", "sha512:" + ID + ID)).hasMessageStartingWith("invalid digest");
        assertThatThrownBy(() -> Identifiers.digest("digest", "sha256:" + ID + "/diff")).hasMessageStartingWith("invalid digest");
    }

    @Test
    void migrationAndHostIds() {
        assertThat(Identifiers.migrationId("id", "6f1c0c9e-2f7e-4d1e-9c3b-0a4b5c6d7e8f")).isNotNull();
        assertThatThrownBy(() -> Identifiers.migrationId("meta.migrationId", "../x")).hasMessageStartingWith(
                "invalid meta.migrationId \"../x\"");
        assertThat(Identifiers.hostId("meta.hostId", "gateway")).isEqualTo("gateway");
        assertThatThrownBy(() -> Identifiers.hostId("meta.hostId", "Host A")).hasMessageStartingWith("invalid meta.hostId");
    }

    @Test
    void forgedMessagesAreRefusedAtDecode() {
        String forged = "{\"type\":\"FinalizeCommand\",\"meta\":{\"id\":\"m1/finalize\",\"migrationId\":\"m1\","
                + "\"hostId\":\"host-a\",\"at\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1},\"container\":\"../../x\"}";
        assertThatThrownBy(() -> MessageCodec.decode(forged))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FinalizeCommand: invalid container \"../../x\"");

        String newline = "{\"type\":\"RestoreCommand\",\"meta\":{\"id\":\"m1/restore\",\"migrationId\":\"m1\","
                + "\"hostId\":\"host-b\",\"at\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1},"
                + "\"archive\":\"registry://r:5000/ferry/c:m1\",\"name\":\"web\\nEVIL\",\"tcpEstablished\":false}";
        assertThatThrownBy(() -> MessageCodec.decode(newline)).hasMessageStartingWith(
                "RestoreCommand: invalid name \"web\\nEVIL\"");

        String unpinned = newline.replace("web\\nEVIL", "web").replace("\"tcpEstablished\":false",
                "\"tcpEstablished\":false,\"manifestDigest\":\"latest\",\"sourceHost\":\"host-a\"");
        assertThatThrownBy(() -> MessageCodec.decode(unpinned)).hasMessageStartingWith(
                "RestoreCommand: invalid manifestDigest \"latest\"");

        String badMigration = "{\"type\":\"SourceFinalized\",\"meta\":{\"id\":\"x\",\"migrationId\":\"../../m\","
                + "\"hostId\":\"host-b\",\"at\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1},\"sourceRunning\":false}";
        assertThatThrownBy(() -> MessageCodec.decode(badMigration)).hasMessageStartingWith(
                "SourceFinalized: invalid meta.migrationId");

        String shortId = "{\"type\":\"CheckpointStarted\",\"meta\":{\"id\":\"m1/started\",\"migrationId\":\"m1\","
                + "\"hostId\":\"host-a\",\"at\":\"2026-01-01T00:00:00Z\",\"schemaVersion\":1},\"containerId\":\"abc\"}";
        assertThatThrownBy(() -> MessageCodec.decode(shortId)).hasMessageStartingWith(
                "CheckpointStarted: invalid containerId \"abc\"");
    }

    @Test
    void forgedHeartbeatsAreRefused() {
        String beat = "{\"hostId\":\"host-a\",\"role\":\"restore\",\"containers\":[{\"id\":\"" + ID
                + "\",\"name\":\"a\\u001b]0;x\\u0007\",\"status\":\"running\"}],\"freeDiskBytes\":1,\"schemaVersion\":1}";
        assertThatThrownBy(() -> MessageCodec.decodeHeartbeat(beat))
                .hasMessageStartingWith("HostHeartbeat: invalid containers[].name \"a\\u001b]0;x\\u0007\"");
    }

    @Test
    void theGatewaysOwnMessagesStayValid() {
        String id = java.util.UUID.randomUUID().toString();
        Meta requested = new Meta(id + "/requested", id, "gateway", Instant.now(), Meta.VERSION);
        MigrationMessage.MigrateRequested r = new MigrationMessage.MigrateRequested(requested, "web", "host-a",
                "host-b", new MigrationOptions(false, true, "web2"));
        assertThat(MessageCodec.decode(MessageCodec.encode(r))).isEqualTo(r);
        Meta timeout = new Meta(id + "/timeout/CHECKPOINTING/1764403200000", id, "gateway", Instant.now(), Meta.VERSION);
        MigrationMessage.CheckpointCommand c = new MigrationMessage.CheckpointCommand(
                requested.reply("checkpoint", "host-a"), "web", "registry://registry:5000/ferry/checkpoints:" + id,
                false, false, "host-b");
        assertThat(MessageCodec.decode(MessageCodec.encode(c))).isEqualTo(c);
        MigrationMessage.MigrationTimedOut t = new MigrationMessage.MigrationTimedOut(timeout, "CHECKPOINTING");
        assertThat(MessageCodec.decode(MessageCodec.encode(t))).isEqualTo(t);
        MigrationMessage.RestoreCompleted done = new MigrationMessage.RestoreCompleted(c.meta().reply("restored",
                "host-b"), ID, "web2", Instant.now(), 1, 2);
        assertThat(MessageCodec.decode(MessageCodec.encode(done))).isEqualTo(done);
    }
}
