-- Direct transfer (issue 11): how a migration's checkpoint travels, and what its direct RestoreCommand carries.
-- transfer: DIRECT or REGISTRY, as asked (null: a migration requested before this column, i.e. REGISTRY).
-- transfer_direct: the checkpoint went straight to the target (CheckpointCompleted.direct).
-- checkpoint_signature: the source's signature annotations over the bytes sent (JSON), kept so the
--   RestoreCommand can be sent again.
-- archive_stored_manifest: the manifest digest of the registry copy written after a direct migration.
alter table migration add column transfer varchar(16);
alter table migration add column transfer_direct boolean not null default false;
alter table migration add column checkpoint_signature text;
alter table migration add column archive_stored_manifest varchar(80);
