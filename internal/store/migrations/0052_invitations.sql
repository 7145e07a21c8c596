-- Invitation links of an account (Frontegg's tenant invites): anyone holding
-- the token may join the account with role_ids until the link expires. The
-- token is looked up by its SHA-256 and kept sealed (AES-GCM under the master
-- key) only because Frontegg shows a link's token again to its admins.
-- user_id is the member who owns the link ('' for a general link); a member
-- has at most one link per account.
CREATE TABLE invite_links (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id            TEXT NOT NULL DEFAULT '',
    token_hash         TEXT NOT NULL UNIQUE,
    token_sealed       TEXT NOT NULL,
    role_ids           TEXT NOT NULL DEFAULT '[]',
    should_send_email  BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at         BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX invite_links_owner ON invite_links (tenant_id, user_id) WHERE user_id <> '';

-- Bulk invitations: a task, processed by whichever node leases it, and one
-- row per invited user with its outcome. A row's request (which may hold a
-- password) is kept sealed and erased once the row is processed.
CREATE TABLE bulk_invites (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    status        TEXT NOT NULL,
    total         INTEGER NOT NULL,
    lease_until   BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX bulk_invites_due ON bulk_invites (status, lease_until);

CREATE TABLE bulk_invite_users (
    task_id     TEXT NOT NULL REFERENCES bulk_invites (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    request     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    user_id     TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (task_id, idx)
);
