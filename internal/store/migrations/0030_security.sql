-- Failed first factors of a user since its last successful one, for the
-- lockout policy. Shared by every node, so a guesser spreading attempts over
-- nodes is counted once.
CREATE TABLE login_failures (
    user_id          TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures         INTEGER NOT NULL,
    last_failure_at  BIGINT NOT NULL
);

-- Password hashes a user had before, so that the password history policy can
-- refuse their reuse. replaced_at is when the hash stopped being the password.
CREATE TABLE password_history (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash         TEXT NOT NULL,
    replaced_at  BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, replaced_at);

-- Fixed-window request counters of the rate limits on public routes. key is a
-- SHA-256 of the rule and its subject (a client address or an identifier), so
-- no address or email is stored in clear here.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    hits          INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
