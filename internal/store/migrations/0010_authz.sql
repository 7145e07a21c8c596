-- Authorization and account structure (issue 4): permission classification,
-- user groups, bulk role tasks, sub-account access, applications and
-- impersonation records.

-- Which permissions account admins may put in the roles they create:
-- ASSIGNABLE (may), NEVER (may not), ALWAYS (added to every account role whose
-- creator holds it).
ALTER TABLE permissions ADD COLUMN assignment_type TEXT NOT NULL DEFAULT 'ASSIGNABLE';

-- Whether a member of an account may act in its sub-accounts. NULL follows the
-- account's hierarchy setting (subAccountAccessType).
ALTER TABLE user_tenants ADD COLUMN sub_account_access BOOLEAN;

-- Groups of users in one account. A group's roles reach every member, in that
-- account only.
CREATE TABLE user_groups (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    name         TEXT NOT NULL,
    color        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    metadata     TEXT NOT NULL DEFAULT '',
    managed_by   TEXT NOT NULL DEFAULT 'frontegg',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX user_groups_created ON user_groups (tenant_id, created_at, id);

CREATE TABLE group_roles (
    group_id    TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    role_id     TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, role_id)
);
CREATE INDEX group_roles_role ON group_roles (role_id);

-- tenant_id is always the group's; the membership key makes leaving the
-- account leave its groups.
CREATE TABLE group_members (
    group_id    TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX group_members_user ON group_members (user_id, tenant_id);

-- A change of one user's roles across accounts, applied account by account
-- (vendor-only/users/v1/{userId}/roles/bulk). processed counts the accounts
-- done, in tenant_ids order; errors is a JSON array.
CREATE TABLE bulk_role_tasks (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    status           TEXT NOT NULL, -- NotStarted, InProgress, Completed, CompletedWithErrors
    tenant_ids       TEXT NOT NULL, -- JSON array
    add_role_ids     TEXT NOT NULL, -- JSON array
    remove_role_ids  TEXT NOT NULL, -- JSON array
    processed        INTEGER NOT NULL DEFAULT 0,
    succeeded        INTEGER NOT NULL DEFAULT 0,
    errors           TEXT NOT NULL DEFAULT '[]',
    claimed_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX bulk_role_tasks_status ON bulk_role_tasks (status, created_at);

CREATE TABLE applications (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL,
    app_url                  TEXT NOT NULL DEFAULT '',
    login_url                TEXT NOT NULL DEFAULT '',
    logo_url                 TEXT NOT NULL DEFAULT '',
    access_type              TEXT NOT NULL DEFAULT 'FREE_ACCESS', -- FREE_ACCESS or MANAGED_ACCESS
    is_default               BOOLEAN NOT NULL DEFAULT FALSE,
    is_active                BOOLEAN NOT NULL DEFAULT TRUE,
    type                     TEXT NOT NULL DEFAULT 'web',
    frontend_stack           TEXT NOT NULL DEFAULT 'react',
    description              TEXT NOT NULL DEFAULT '',
    metadata                 TEXT NOT NULL DEFAULT '{}',
    app_host                 TEXT NOT NULL DEFAULT '',
    allow_dcr                BOOLEAN NOT NULL DEFAULT FALSE,
    integration_finished_at  BIGINT,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE UNIQUE INDEX applications_default ON applications (is_default) WHERE is_default;

-- Accounts an application is assigned to; access_type overrides the
-- application's for that account.
CREATE TABLE application_tenants (
    app_id       TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    access_type  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (app_id, tenant_id)
);
CREATE INDEX application_tenants_tenant ON application_tenants (tenant_id);

-- Users assigned to an application, per account.
CREATE TABLE application_users (
    app_id      TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id, tenant_id),
    FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX application_users_user ON application_users (user_id, tenant_id);

-- The account a user works in, per application.
CREATE TABLE application_active_tenants (
    user_id     TEXT NOT NULL,
    app_id      TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, app_id),
    FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE ON UPDATE CASCADE
);

-- Impersonation sessions: who acted for whom. Written before the session
-- opens and kept after it ends, as the audit record.
CREATE TABLE impersonations (
    session_id  TEXT PRIMARY KEY,
    actor_kind  TEXT NOT NULL, -- vendor or user
    actor_id    TEXT NOT NULL, -- the acting user, or the environment's client id
    user_id     TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX impersonations_user ON impersonations (user_id, created_at);
