package io.ferry.gateway.api;

import java.net.URI;

/** A request that cannot be carried out as things stand (preflight refusal, cancel of a finished migration); 409. */
public class ConflictProblem extends RuntimeException {
    private final URI migration;

    public ConflictProblem(String message, URI migration) {
        super(message);
        this.migration = migration;
    }

    public URI migration() {
        return migration;
    }
}
