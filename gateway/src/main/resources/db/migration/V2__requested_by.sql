-- Who asked for a migration over Kafka: the principal whose ferry.migration.requests.<principal> topic
-- the request came from (Kafka's ACLs let only that principal write it). Null for other messages and
-- for REST requests.
alter table event_log add column requested_by varchar(128);
