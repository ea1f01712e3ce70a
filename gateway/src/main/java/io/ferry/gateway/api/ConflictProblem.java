package io.ferry.gateway.api;

import java.net.URI;

/** A request that cannot be carried out as things stand (preflight refusal, cancel of a finished migration); 409. */
public class ConflictProblem extends RuntimeException {
    private final URI migration;
    private final URI runningMigration;

    public ConflictProblem(String message, URI migration) {
        this(message, migration, null);
    }

    /** {@code runningMigration}: the migration of the same container that is under way, when that is the reason. */
    public ConflictProblem(String message, URI migration, URI runningMigration) {
        super(message);
        this.migration = migration;
        this.runningMigration = runningMigration;
    }

    public URI migration() {
        return migration;
    }

    public URI runningMigration() {
        return runningMigration;
    }
}
