package io.ferry.protocol;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka topics. Commands go to a topic per host and role, so a host reads only what is addressed
 * to it (filtering one shared topic would make every host read every host's commands). What a host
 * or a requesting system writes goes to a topic of its own, so Kafka's ACLs prove who wrote it (a
 * consumer is never told who produced a record): the gateway derives the writer from the topic.
 * Every topic is keyed by migration id (heartbeats by host and role) so a migration's messages stay
 * in order.
 */
public final class Topics {
    /** The gateway's own record of its decisions and the requests it took over REST, for observers. */
    public static final String EVENTS = "ferry.migration.events";
    /** Prefix of the requesters' topics: {@code ferry.migration.requests.<principal>}. */
    public static final String REQUESTS_PREFIX = "ferry.migration.requests.";
    public static final String HOST_PREFIX = "ferry.host.";

    /** What the gateway subscribes to (group ids {@code ferry-gateway*}). */
    public static final String REQUESTS_PATTERN = "ferry\\.migration\\.requests\\.[a-z0-9][a-z0-9_-]*";
    public static final String HOST_EVENTS_PATTERN = "ferry\\.host\\.[a-z0-9][a-z0-9_-]*\\.events";
    public static final String HOST_HEARTBEATS_PATTERN = "ferry\\.host\\.[a-z0-9][a-z0-9_-]*\\.heartbeats";

    /** A requester's principal name: also the last part of its topic name, so no dots. */
    private static final Pattern REQUESTER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern REQUESTS_TOPIC = Pattern.compile("ferry\\.migration\\.requests\\.([a-z0-9][a-z0-9_-]{0,63})");
    private static final Pattern HOST_TOPIC = Pattern.compile("ferry\\.host\\.([a-z0-9][a-z0-9_-]{0,23})\\.(events|heartbeats)");

    private Topics() {
    }

    public static String checkpointCommands(String hostId) {
        return HOST_PREFIX + hostId + ".checkpoint";
    }

    public static String restoreCommands(String hostId) {
        return HOST_PREFIX + hostId + ".restore";
    }

    /** Where a host's checkpoint- and restore-service report (only that host's principal may write it). */
    public static String hostEvents(String hostId) {
        return HOST_PREFIX + hostId + ".events";
    }

    /** Where a host's services announce themselves (compacted; only that host's principal may write it). */
    public static String hostHeartbeats(String hostId) {
        return HOST_PREFIX + hostId + ".heartbeats";
    }

    /** The topic a requester (another system, Kafka principal {@code principal}) publishes MigrateRequested to. */
    public static String requests(String principal) {
        if (principal == null || !REQUESTER.matcher(principal).matches()) {
            throw new IllegalArgumentException("invalid requester principal " + Identifiers.quote(principal)
                    + ": expected lower-case letters, digits, '_' and '-' (no dots), at most 64 characters");
        }
        return REQUESTS_PREFIX + principal;
    }

    /** The requester whose topic this is, if it is a requests topic. */
    public static Optional<String> requesterOf(String topic) {
        Matcher m = REQUESTS_TOPIC.matcher(topic);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The host whose events or heartbeats topic this is. */
    public static Optional<String> hostOf(String topic) {
        Matcher m = HOST_TOPIC.matcher(topic);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
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
