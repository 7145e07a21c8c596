-- The environment: one row holding the vendor's credentials.
CREATE TABLE environment (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    client_id     TEXT NOT NULL,
    api_key_hash  TEXT NOT NULL,
    secret_key    TEXT NOT NULL, -- sealed random key for keyed hashes of client secrets
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- RS256 signing keys. The newest active key signs; every key whose tokens may
-- still be alive stays published.
CREATE TABLE signing_keys (
    id           TEXT PRIMARY KEY,
    private_key  TEXT NOT NULL, -- sealed PKCS#8 DER
    public_key   TEXT NOT NULL, -- PEM
    created_at   BIGINT NOT NULL,
    retired_at   BIGINT,        -- stops signing
    expires_at   BIGINT         -- stops being published
);

-- Settings documents (JSON), for the environment (tenant_id '') or one account.
CREATE TABLE settings (
    tenant_id   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    metadata         TEXT NOT NULL DEFAULT '{}',
    is_reseller      BOOLEAN NOT NULL DEFAULT FALSE,
    parent_tenant_id TEXT,
    address          TEXT NOT NULL DEFAULT '',
    timezone         TEXT NOT NULL DEFAULT '',
    date_format      TEXT NOT NULL DEFAULT '',
    time_format      TEXT NOT NULL DEFAULT '',
    currency         TEXT NOT NULL DEFAULT '',
    logo_url         TEXT NOT NULL DEFAULT '',
    website          TEXT NOT NULL DEFAULT '',
    application_url  TEXT NOT NULL DEFAULT '',
    creator_name     TEXT NOT NULL DEFAULT '',
    creator_email    TEXT NOT NULL DEFAULT '',
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX tenants_created ON tenants (created_at, id);
CREATE INDEX tenants_parent ON tenants (parent_tenant_id);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL DEFAULT '',
    email_lower         TEXT,           -- NULL when the user has no email
    username            TEXT NOT NULL DEFAULT '',
    username_lower      TEXT,           -- NULL when the user has no username
    name                TEXT NOT NULL DEFAULT '',
    phone_number        TEXT NOT NULL DEFAULT '',
    profile_picture_url TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    verified            BOOLEAN NOT NULL DEFAULT FALSE,
    locked              BOOLEAN NOT NULL DEFAULT FALSE,
    locked_until        BIGINT,
    super_user          BOOLEAN NOT NULL DEFAULT FALSE,
    invisible           BOOLEAN NOT NULL DEFAULT FALSE,
    metadata            TEXT NOT NULL DEFAULT '{}',
    provider            TEXT NOT NULL DEFAULT 'local',
    external_id         TEXT NOT NULL DEFAULT '',
    active_tenant_id    TEXT NOT NULL DEFAULT '',
    mfa_enrolled        BOOLEAN NOT NULL DEFAULT FALSE,
    temporary_expires_at BIGINT,
    password_changed_at BIGINT,
    last_login_at       BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email_lower);
CREATE UNIQUE INDEX users_username ON users (username_lower);
CREATE INDEX users_created ON users (created_at, id);

-- A user's membership of an account.
CREATE TABLE user_tenants (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    activated   BOOLEAN NOT NULL DEFAULT TRUE,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_tenants_tenant ON user_tenants (tenant_id, user_id);

CREATE TABLE permission_categories (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    fe_category  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE permissions (
    id             TEXT PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    category_id    TEXT REFERENCES permission_categories (id) ON DELETE SET NULL,
    fe_permission  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- Roles are environment-wide (tenant_id '') or owned by one account.
CREATE TABLE roles (
    id               TEXT PRIMARY KEY,
    key              TEXT NOT NULL,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    tenant_id        TEXT NOT NULL DEFAULT '',
    level            INTEGER NOT NULL DEFAULT 0,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    first_user_role  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, key)
);

CREATE TABLE role_permissions (
    role_id        TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id  TEXT NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission_id)
);
CREATE INDEX role_permissions_permission ON role_permissions (permission_id);

-- A user's roles in one account.
CREATE TABLE user_roles (
    user_id    TEXT NOT NULL,
    tenant_id  TEXT NOT NULL,
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, tenant_id, role_id),
    FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX user_roles_role ON user_roles (role_id);

-- A login session: the family of refresh tokens that rotate from one login.
-- user_id has no foreign key on purpose: deleting a user revokes its sessions
-- and leaves the rows, so every node's revocation poll still sees them.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT '',
    amr           TEXT NOT NULL DEFAULT '',
    acr           TEXT NOT NULL DEFAULT '',
    auth_time     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Refresh tokens, stored only as SHA-256 hashes. used_at marks a spent token.
CREATE TABLE refresh_tokens (
    hash        TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- One-time codes and links (activation, password reset, …), stored as hashes.
CREATE TABLE user_codes (
    hash        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX user_codes_user ON user_codes (user_id, kind);

-- Outgoing email and SMS, written in the transaction that caused them and sent
-- by whichever node claims them first.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,  -- email or sms
    recipient        TEXT NOT NULL,
    sender           TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL DEFAULT '',
    body_text        TEXT NOT NULL DEFAULT '',
    body_html        TEXT NOT NULL DEFAULT '',
    template         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,  -- pending, sent, failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
