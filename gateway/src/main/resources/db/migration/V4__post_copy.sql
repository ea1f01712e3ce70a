-- Post-copy migrations (issue 11): the target restores at once and fetches the memory pages from the source's
-- page server afterwards. New state TRANSFERRING_PAGES (state is varchar: no enum or check to change).
-- post_copy: asked for (MigrationOptions.postCopy). page_server: HOST:PORT the source serves the pages from.
-- pages_pending: the copy runs on the target and pages are still arriving. pages_bytes, pages_transferred_at:
--   the finished transfer (PagesTransferred). post_copy_failure: why the transfer broke off (PostCopyFailed).
alter table migration add column post_copy boolean not null default false;
alter table migration add column page_server varchar(300);
alter table migration add column pages_pending boolean not null default false;
alter table migration add column pages_bytes bigint;
alter table migration add column pages_transferred_at timestamptz;
alter table migration add column post_copy_failure text;
