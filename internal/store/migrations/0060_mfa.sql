-- A user's second factors and passkeys: authenticator apps (TOTP seed sealed
-- at rest), SMS phone numbers, WebAuthn credentials for MFA (kind webauthn)
-- and for passwordless sign-in (kind passkey).
CREATE TABLE mfa_devices (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,             -- authenticator, sms, webauthn, passkey
    name           TEXT NOT NULL DEFAULT '',
    phone_number   TEXT NOT NULL DEFAULT '',
    secret         TEXT NOT NULL DEFAULT '',  -- sealed TOTP seed
    credential_id  TEXT,                      -- WebAuthn credential id (base64url); NULL for other kinds
    credential     TEXT NOT NULL DEFAULT '',  -- WebAuthn credential (public key, sign count, flags) as JSON
    device_type    TEXT NOT NULL DEFAULT '',  -- WebAuthn: Platform or CrossPlatform
    last_step      BIGINT NOT NULL DEFAULT 0, -- TOTP: the last time step accepted, so a code is accepted once
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX mfa_devices_user ON mfa_devices (user_id, created_at);
CREATE UNIQUE INDEX mfa_devices_credential ON mfa_devices (credential_id);

-- Short-lived authentication challenges: MFA tokens of logins and step-ups,
-- one-time codes sent by SMS or email, WebAuthn ceremonies, pending
-- authenticator enrollments, magic links. id is the SHA-256 of the token the
-- client holds; code_hash is the SHA-256 of id and the code together. A
-- challenge dies when used, when it expires, or after too many wrong codes.
CREATE TABLE auth_challenges (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     TEXT REFERENCES users (id) ON DELETE CASCADE, -- NULL while no user is known (passkey sign-in)
    parent_id   TEXT NOT NULL DEFAULT '',                     -- the MFA token a code or enrollment belongs to
    code_hash   TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX auth_challenges_user ON auth_challenges (user_id, kind, parent_id, created_at);
CREATE INDEX auth_challenges_expires ON auth_challenges (expires_at);

-- MFA recovery codes, stored only as hashes; each works once.
CREATE TABLE mfa_recovery_codes (
    hash        TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

-- Browsers that passed MFA with "remember this device": the hash of the
-- device cookie, bound to the user it was issued to.
CREATE TABLE mfa_remembered_devices (
    hash        TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX mfa_remembered_devices_user ON mfa_remembered_devices (user_id);

-- Passwordless SMS sign-in may name the user by phone number.
CREATE INDEX users_phone ON users (phone_number);
