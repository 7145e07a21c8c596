-- Hosted login and OpenID Connect (issue 11).

-- Applications registered as OAuth clients. The environment is a client too
-- but is not stored here: its id is the environment's client id, its secret
-- the API key, its redirect URIs a settings document.
CREATE TABLE oauth_clients (
    client_id                 TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    public                    BOOLEAN NOT NULL,           -- no secret: PKCE (S256) is required
    secret_hash               TEXT NOT NULL DEFAULT '',   -- keyed hash of a confidential client's secret
    redirect_uris             TEXT NOT NULL DEFAULT '[]', -- JSON array, matched exactly
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]', -- JSON array, matched exactly
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL
);
CREATE INDEX oauth_clients_created ON oauth_clients (created_at, client_id);

-- Authorization codes, stored as hashes. A redeemed code (used_at set) stays
-- until its session is purged, so that presenting it again is recognized and
-- revokes the session it was issued for.
CREATE TABLE oauth_codes (
    hash            TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    nonce           TEXT NOT NULL DEFAULT '',
    code_challenge  TEXT NOT NULL DEFAULT '', -- S256 challenge; '' when none was sent
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT
);
CREATE INDEX oauth_codes_session ON oauth_codes (session_id);

-- The OAuth client a refresh token was issued to ('' for the environment's
-- own logins: the login routes, the hosted page's cookie). Rotation carries it
-- to the next token, so a confidential client's refresh tokens keep needing
-- its secret and its ID tokens keep its audience.
ALTER TABLE refresh_tokens ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
