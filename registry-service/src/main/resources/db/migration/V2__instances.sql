-- The registry-service instances that share this database, so that a second one can tell whether it
-- may start: all must sign tokens with one configured key. Only an HMAC of a constant under the key
-- (its fingerprint) is stored, never the key.
create table registry_instance (
    id                 varchar(36)  primary key,
    key_fingerprint    varchar(64)  not null,
    -- the process, so that a restart can tell its own previous run (which cannot be live) from another instance
    hostname           varchar(255) not null,
    pid                bigint       not null,
    process_started_at timestamptz  not null,
    secret_configured  boolean      not null,
    started_at         timestamptz  not null,
    heartbeat_at       timestamptz  not null
);
