-- Machine credentials of an account (Frontegg's API tokens): client-credential
-- pairs, exchanged for tenantApiToken / userApiToken JWTs, and long-lived access
-- tokens (tenantAccessToken / userAccessToken JWTs sent as x-api-key).
--
-- A token lives by its owner's membership: personal tokens by the membership of
-- the user they act as, account tokens by their creator's (none when the vendor
-- made them). Removing that membership, or the account, deletes the token
-- through the foreign keys, whichever code path does it.
CREATE TABLE api_tokens (
    id                  TEXT PRIMARY KEY, -- the clientId, or the access token's id (its JWT's sub)
    type                TEXT NOT NULL,    -- tenantApiToken, userApiToken, tenantAccessToken, userAccessToken
    tenant_id           TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id             TEXT,             -- personal tokens: the user they act as
    created_by_user_id  TEXT,             -- NULL when the vendor made the token
    owner_user_id       TEXT,             -- user_id for personal tokens, else created_by_user_id
    secret_hash         TEXT NOT NULL DEFAULT '', -- keyed hash of the client secret; '' for access tokens
    description         TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '{}',
    expires_at          BIGINT,           -- NULL: never
    refresh_seq         BIGINT NOT NULL DEFAULT 0, -- authentications so far; numbers refresh families
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    FOREIGN KEY (owner_user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id, type, created_at);
CREATE INDEX api_tokens_owner ON api_tokens (owner_user_id, tenant_id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- What an account token grants: roles, or permissions given directly.
CREATE TABLE api_token_roles (
    token_id  TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    role_id   TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (token_id, role_id)
);
CREATE INDEX api_token_roles_role ON api_token_roles (role_id);

CREATE TABLE api_token_permissions (
    token_id       TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    permission_id  TEXT NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (token_id, permission_id)
);
CREATE INDEX api_token_permissions_permission ON api_token_permissions (permission_id);

-- Refresh families of client-credential tokens: one row per authentication,
-- holding the family's live refresh token (hash) and the one it replaced
-- (prev_hash), both as SHA-256 hashes. Authentication number n of a token goes
-- to slot n mod the cap (100), replacing authentication n - 100: a token never
-- holds more live refresh tokens than the cap, however many nodes authenticate
-- it at once.
CREATE TABLE api_token_refresh_tokens (
    token_id    TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    slot        INTEGER NOT NULL,
    seq         BIGINT NOT NULL,  -- the authentication that started the family
    family_id   TEXT NOT NULL,    -- the sid of the family's access tokens
    hash        TEXT NOT NULL UNIQUE,
    prev_hash   TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (token_id, slot)
);
CREATE INDEX api_token_refresh_tokens_prev ON api_token_refresh_tokens (prev_hash);

-- Revoked API tokens and refresh families, which every node polls so that their
-- access tokens are refused without a database read per request. A plain
-- revocation refuses every access token of the id; a suspension (a locked
-- account, a disabled membership, a locked user) only those issued up to
-- revoked_at, so that the token works again once reinstated. Rows written by
-- the triggers of migration 0021 have no time yet (the clock comes from Go,
-- never from SQL): the first node to poll them stamps revoked_at.
CREATE TABLE api_token_revocations (
    id          TEXT PRIMARY KEY,
    revoked_at  BIGINT,
    suspension  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX api_token_revocations_revoked ON api_token_revocations (revoked_at);
