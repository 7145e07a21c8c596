-- Applications are the OAuth clients of the hosted login (issue 11), as in
-- Frontegg: an application's client id is its id; its client and shared
-- secrets are shown by GET …/credentials/{appId}, so they are sealed (AES-GCM
-- under the master key), not hashed. Application clients (agents) are more
-- clients of one application, each with its own id, secret and redirect URLs.

-- The exact redirect and post-logout redirect URLs an application allows
-- besides those its appURL and loginURL imply (JSON arrays), and its
-- credentials: '' until they are first read or regenerated.
ALTER TABLE applications ADD COLUMN redirect_urls TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN logout_urls TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN client_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN shared_secret TEXT NOT NULL DEFAULT '';

CREATE TABLE application_clients (
    id                 TEXT PRIMARY KEY,                  -- the client id
    app_id             TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    type               TEXT NOT NULL,                     -- Agent
    secret             TEXT NOT NULL,                     -- sealed
    redirect_urls      TEXT NOT NULL DEFAULT '[]',        -- JSON array, matched exactly
    external_metadata  TEXT,                              -- JSON object, or NULL
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX application_clients_app ON application_clients (app_id, created_at);

-- Whether the client proved its secret when the refresh token's family was
-- issued: then every refresh must prove it again. A family issued on PKCE
-- alone (a browser or mobile app) refreshes without a secret.
ALTER TABLE refresh_tokens ADD COLUMN client_authenticated BOOLEAN NOT NULL DEFAULT FALSE;

-- The OAuth clients registered through Hatch's former routes
-- (/oauth/resources/clients/v1) become applications with the same id, name
-- and URLs. Their secrets were stored as keyed hashes, which cannot become
-- sealed secrets: a confidential one needs POST …/credentials/regenerate.
INSERT INTO applications (id, name, redirect_urls, logout_urls, created_at, updated_at)
    SELECT client_id, name, redirect_uris, post_logout_redirect_uris, created_at, updated_at FROM oauth_clients;
UPDATE refresh_tokens SET client_authenticated = TRUE
    WHERE client_id IN (SELECT client_id FROM oauth_clients WHERE NOT public);
DROP TABLE oauth_clients;
