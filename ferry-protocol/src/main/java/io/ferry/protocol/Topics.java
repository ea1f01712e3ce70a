package io.ferry.protocol;

/**
 * Kafka topics. Commands go to a topic per host and role, so a host reads only what is addressed
 * to it (filtering one shared topic would make every host read every host's commands); events and
 * requests share one topic each, keyed by migration id so each migration's messages stay in order.
 */
public final class Topics {
    public static final String EVENTS = "ferry.migration.events";
    public static final String REQUESTS = "ferry.migration.requests";
    public static final String HEARTBEATS = "ferry.hosts.heartbeats";

    private Topics() {
    }

    public static String checkpointCommands(String hostId) {
        return "ferry.host." + hostId + ".checkpoint";
    }

    public static String restoreCommands(String hostId) {
        return "ferry.host." + hostId + ".restore";
    }

    /** Where a command for its host goes. */
    public static String commandTopic(MigrationMessage.Command command) {
        String host = command.meta().hostId();
        // restore-side commands go to the restore service; the rest act on the source's container
        boolean restoreSide = command instanceof MigrationMessage.RestoreCommand
                || command instanceof MigrationMessage.CancelRestoreCommand;
        return restoreSide ? restoreCommands(host) : checkpointCommands(host);
    }
}
