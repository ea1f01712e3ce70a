-- The saga under faults (issue 14).
-- epoch: raised each time the gateway turns a migration around (cancel, rollback); commands carry it, hosts
--   refuse lower ones, the gateway ignores reports of lower ones, the outbox relay drops commands of a left epoch.
-- container_id: the container's id on the source (from its heartbeat), set when the migration is accepted; at
--   most one active migration per (source host, container id), enforced by the unique index below.
-- last_activity_at: when the migration last heard from a host or last acted (stage timeouts count from it).
-- probes: how often the gateway asked a host again before timing a stage out (re-sent RestoreCommand, ...).
-- manifest_digest, wrapped_key: what the RestoreCommand carries, kept so it can be sent again.
-- awaiting_cancel: a CancelRestoreCommand is out and the target has not answered it yet.
alter table migration add column epoch bigint not null default 0;
alter table migration add column container_id varchar(64);
alter table migration add column last_activity_at timestamptz;
alter table migration add column probes integer not null default 0;
alter table migration add column manifest_digest varchar(80);
alter table migration add column wrapped_key text;
alter table migration add column awaiting_cancel boolean not null default false;
create unique index migration_one_active_per_container on migration (source_host, container_id)
    where container_id is not null and state not in ('COMPLETED', 'ROLLED_BACK', 'FAILED');
