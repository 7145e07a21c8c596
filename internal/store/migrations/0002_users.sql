-- Fields only the vendor sets on a user (Frontegg's vendorMetadata and mfaBypass).
ALTER TABLE users ADD COLUMN vendor_metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN mfa_bypass BOOLEAN NOT NULL DEFAULT FALSE;

-- A user's additional email addresses. The primary address stays users.email;
-- an address is never both a primary and an additional one.
CREATE TABLE user_emails (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    email_lower      TEXT NOT NULL UNIQUE,
    verified         BOOLEAN NOT NULL DEFAULT FALSE,
    failed_attempts  INTEGER NOT NULL DEFAULT 0, -- wrong verification codes since the last one was sent
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX user_emails_user ON user_emails (user_id, created_at);
