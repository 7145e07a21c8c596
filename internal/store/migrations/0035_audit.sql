-- The audit log: one row per security event (logins, session ends, settings
-- changes, …), kept after the users and accounts it names are gone, so no
-- foreign keys.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL DEFAULT '', -- '' for environment-wide events
    user_id      TEXT NOT NULL DEFAULT '', -- the user the event is about
    email        TEXT NOT NULL DEFAULT '',
    actor_id     TEXT NOT NULL DEFAULT '', -- who did it: a user id, an API token's client id, or the environment's client id
    actor_type   TEXT NOT NULL DEFAULT '', -- user, apiToken, vendor
    actor_email  TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    resource     TEXT NOT NULL DEFAULT '',
    severity     TEXT NOT NULL,            -- Info, Medium, High, Critical, Error
    outcome      TEXT NOT NULL,            -- success, failure
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL
);
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_created ON audit_events (created_at);
