package io.ferry.gateway.migration;

import io.ferry.protocol.MigrationMessage;

import java.util.List;

/**
 * Published after a coordinator transaction commits: the messages it recorded (with their sequence
 * numbers) and the migration as it now is. Metrics and live streams listen to it.
 */
public record MigrationUpdated(Migration migration, List<Recorded> recorded) {

    public record Recorded(long seq, MigrationMessage message) {
    }
}
