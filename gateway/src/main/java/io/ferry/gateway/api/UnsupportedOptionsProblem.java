package io.ferry.gateway.api;

import java.net.URI;

/**
 * A migration refused for the options it asks for, not for the hosts' state (post-copy with keep, post-copy to a
 * host without lazy pages); 422. It is recorded as MigrationRejected like any refusal.
 */
public class UnsupportedOptionsProblem extends ConflictProblem {
    public UnsupportedOptionsProblem(String message, URI migration) {
        super(message, migration);
    }
}
