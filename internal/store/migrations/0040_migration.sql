-- Bulk migrations (users, accounts): the job, the rows waiting in it and the
-- outcome of every row. Any node may run a job: it claims the job with a lease
-- that it renews with each batch; a job whose lease has run out (its node
-- stopped) is picked up again by any node from next_index.
CREATE TABLE migration_jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,              -- users or tenants
    state        TEXT NOT NULL,              -- staging, pending, running, completed, failed
    total        INTEGER NOT NULL DEFAULT 0,
    migrated     INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    next_index   INTEGER NOT NULL DEFAULT 0, -- every row below it is done
    worker       TEXT NOT NULL DEFAULT '',
    lease_until  BIGINT NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX migration_jobs_due ON migration_jobs (state, lease_until);

-- Rows waiting in a job (JSON as received, TOTP seeds sealed), deleted in the
-- transaction that migrates them.
CREATE TABLE migration_rows (
    job_id   TEXT NOT NULL REFERENCES migration_jobs (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    payload  TEXT NOT NULL,
    PRIMARY KEY (job_id, idx)
);

-- The outcome of every row: what was made, or why not.
CREATE TABLE migration_results (
    job_id   TEXT NOT NULL REFERENCES migration_jobs (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    item     TEXT NOT NULL DEFAULT '',  -- the email or account id the row named
    ref_id   TEXT NOT NULL DEFAULT '',  -- the user or account made
    reason   TEXT NOT NULL DEFAULT '',  -- empty when the row was migrated
    PRIMARY KEY (job_id, idx)
);

-- Where a migrated user came from (a bulk job or a user source), and what
-- Hatch keeps for it that has no column on users.
CREATE TABLE migrated_users (
    user_id               TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    job_id                TEXT NOT NULL DEFAULT '',
    source_id             TEXT NOT NULL DEFAULT '',
    vendor_metadata       TEXT NOT NULL DEFAULT '',
    phone_number_type     TEXT NOT NULL DEFAULT '',
    authenticator_secret  TEXT NOT NULL DEFAULT '', -- sealed TOTP seed, for the MFA package to enroll
    created_at            BIGINT NOT NULL
);
CREATE INDEX migrated_users_source ON migrated_users (source_id);

-- User pools: external systems asked on login for users Hatch does not know yet.
CREATE TABLE user_sources (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,             -- auth0, cognito, firebase, custom-code, federation
    description  TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0, -- Frontegg's "index": sources are asked in this order
    config       TEXT NOT NULL,             -- JSON, without secrets
    secrets      TEXT NOT NULL DEFAULT '',  -- sealed JSON of the secret fields
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE user_source_apps (
    source_id  TEXT NOT NULL REFERENCES user_sources (id) ON DELETE CASCADE,
    app_id     TEXT NOT NULL,
    PRIMARY KEY (source_id, app_id)
);
