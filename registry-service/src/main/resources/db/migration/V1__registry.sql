-- Repositories, blobs and their links, manifests (content kept here: they are small), the blobs and
-- manifests each manifest references (for validation and garbage collection), tags, and upload
-- sessions (so an upload survives a restart of the service).
create table repository (
    id         bigserial primary key,
    name       varchar(255) not null unique,
    created_at timestamptz  not null
);

create table blob (
    digest     varchar(80) primary key,
    size       bigint      not null,
    created_at timestamptz not null
);

create table repository_blob (
    id            bigserial primary key,
    repository_id bigint      not null references repository (id) on delete cascade,
    digest        varchar(80) not null references blob (digest) on delete cascade,
    created_at    timestamptz not null,
    unique (repository_id, digest)
);

create table manifest (
    id             bigserial primary key,
    repository_id  bigint       not null references repository (id) on delete cascade,
    digest         varchar(80)  not null,
    media_type     varchar(255) not null,
    artifact_type  varchar(255),
    subject_digest varchar(80),
    content        bytea        not null,
    size           bigint       not null,
    created_at     timestamptz  not null,
    unique (repository_id, digest)
);
create index manifest_subject on manifest (repository_id, subject_digest);

create table manifest_reference (
    id          bigserial primary key,
    manifest_id bigint      not null references manifest (id) on delete cascade,
    digest      varchar(80) not null,
    kind        varchar(16) not null
);
create index manifest_reference_digest on manifest_reference (digest);
create index manifest_reference_manifest on manifest_reference (manifest_id);

create table tag (
    id              bigserial primary key,
    repository_id   bigint       not null references repository (id) on delete cascade,
    name            varchar(128) not null,
    manifest_digest varchar(80)  not null,
    updated_at      timestamptz  not null,
    unique (repository_id, name)
);

create table upload_session (
    id            uuid primary key,
    repository_id bigint      not null references repository (id) on delete cascade,
    received      bigint      not null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
