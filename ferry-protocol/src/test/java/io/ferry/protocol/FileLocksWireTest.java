package io.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Migrations carry Podman's --file-locks: on the wire when asked, read as false from a message without it. */
class FileLocksWireTest {
    private static final String ID = "m-locks";
    private static final Meta META = new Meta(ID + "/requested", ID, "gateway", Instant.parse("2026-11-30T08:00:00Z"), Meta.VERSION);
    private static final String ARCHIVE = "registry://registry:5000/ferry/checkpoints:" + ID;

    @Test
    void fileLocksTravelInTheRequestAndBothCommands() {
        MigrationMessage.MigrateRequested r = new MigrationMessage.MigrateRequested(META, "locker", "host-a", "host-b",
                MigrationOptions.defaults().withFileLocks(true));
        MigrationMessage.CheckpointCommand c = new MigrationMessage.CheckpointCommand(META.reply("checkpoint", "host-a"),
                "locker", ARCHIVE, false, false, "host-b", null, false, true);
        MigrationMessage.RestoreCommand restore = new MigrationMessage.RestoreCommand(META.reply("restore", "host-b"),
                ARCHIVE, null, false, "sha256:" + "ab".repeat(32), "host-a", null, false, null, null, null, true);
        MigrationMessage.RollbackCommand back = new MigrationMessage.RollbackCommand(META.reply("rollback", "host-a"),
                "locker", ARCHIVE, true);

        for (MigrationMessage m : new MigrationMessage[]{r, c, restore, back}) {
            assertThat(MessageCodec.encode(m)).contains("\"fileLocks\":true");
            assertThat(MessageCodec.decode(MessageCodec.encode(m))).isEqualTo(m);
        }
        assertThat(((MigrationMessage.MigrateRequested) MessageCodec.decode(MessageCodec.encode(r))).options().fileLocks()).isTrue();
    }

    @Test
    void aMessageWithoutTheFieldReadsAsWithoutFileLocks() {
        MigrationMessage.MigrateRequested r = new MigrationMessage.MigrateRequested(META, "locker", "host-a", "host-b",
                new MigrationOptions(true, false, null, null, false));
        MigrationMessage.CheckpointCommand c = new MigrationMessage.CheckpointCommand(META.reply("checkpoint", "host-a"),
                "locker", ARCHIVE, false, true, "host-b");
        MigrationMessage.RestoreCommand restore = new MigrationMessage.RestoreCommand(META.reply("restore", "host-b"),
                ARCHIVE, null, false, "sha256:" + "ab".repeat(32), "host-a", null);
        MigrationMessage.RollbackCommand back = new MigrationMessage.RollbackCommand(META.reply("rollback", "host-a"),
                "locker", ARCHIVE);

        for (MigrationMessage m : new MigrationMessage[]{r, c, restore, back}) {
            String old = MessageCodec.encode(m).replace(",\"fileLocks\":false", "").replace("\"fileLocks\":false,", "");
            assertThat(old).as("written as a sender before file locks writes it").doesNotContain("fileLocks");
            assertThat(MessageCodec.decode(old)).isEqualTo(m);
        }
    }
}
