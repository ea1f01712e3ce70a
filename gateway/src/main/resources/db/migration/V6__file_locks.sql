-- Podman's --file-locks for migrations: the checkpoint dumps the file locks the container holds and the
-- restore (or a rollback from the archive) takes them back. Migrations before this column asked for none.
alter table migration add column file_locks boolean not null default false;
