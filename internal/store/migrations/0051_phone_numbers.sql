-- Users' phone numbers (E.164). A number is verified by a code sent to it.
CREATE TABLE user_phone_numbers (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phone_number  TEXT NOT NULL,
    verified      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (user_id, phone_number)
);
CREATE INDEX user_phone_numbers_number ON user_phone_numbers (phone_number);

-- One-time codes sent by SMS to add (purpose 'add') or remove ('delete') a
-- user's number. The caller holds an otcToken (stored as its SHA-256) and the
-- person holds the code; code_hash binds the two, so neither works alone and
-- the six digits cannot be guessed from a stolen database. Each wrong code
-- counts in attempts; too many void the token.
CREATE TABLE phone_verifications (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phone_id      TEXT NOT NULL DEFAULT '',
    phone_number  TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX phone_verifications_user ON phone_verifications (user_id);
