-- The event log (append-only; every message of every migration, in the order the gateway saw them),
-- the migrations view (a projection of the log, rebuilt by replay), the outbox (commands and
-- events waiting to go to Kafka, written in the same transaction as the state they follow from),
-- and the hosts seen in heartbeats.
create table event_log (
    seq          bigserial primary key,
    event_id     varchar(200) not null unique,
    migration_id varchar(64)  not null,
    type         varchar(64)  not null,
    host_id      varchar(64),
    at           timestamptz  not null,
    payload      text         not null
);
create index event_log_migration on event_log (migration_id, seq);

create table migration (
    id                      varchar(64) primary key,
    container               varchar(128) not null,
    source_host             varchar(64)  not null,
    target_host             varchar(64)  not null,
    keep_source             boolean      not null,
    tcp_established         boolean      not null,
    new_name                varchar(128),
    state                   varchar(32)  not null,
    state_entered_at        timestamptz  not null,
    cancel_requested        boolean      not null,
    error                   text,
    archive                 varchar(512),
    archive_digest          varchar(80),
    archive_size            bigint,
    bytes_transferred       bigint       not null,
    target_container_id     varchar(64),
    requested_at            timestamptz  not null,
    checkpoint_requested_at timestamptz,
    checkpoint_started_at   timestamptz,
    frozen_at               timestamptz,
    dump_millis             bigint,
    checkpoint_completed_at timestamptz,
    restore_requested_at    timestamptz,
    restore_started_at      timestamptz,
    running_at              timestamptz,
    finalize_requested_at   timestamptz,
    finalized_at            timestamptz,
    ended_at                timestamptz,
    downtime_millis         bigint,
    total_millis            bigint,
    last_seq                bigint       not null
);
create index migration_state on migration (state);

create table outbox (
    id         bigserial primary key,
    topic      varchar(255) not null,
    msg_key    varchar(255) not null,
    payload    text         not null,
    created_at timestamptz  not null,
    sent_at    timestamptz
);
create index outbox_unsent on outbox (id) where sent_at is null;

create table host (
    id        varchar(200) primary key,   -- host id + ":" + role
    host_id   varchar(64)  not null,
    role      varchar(32)  not null,
    last_seen timestamptz  not null,
    heartbeat text         not null
);
