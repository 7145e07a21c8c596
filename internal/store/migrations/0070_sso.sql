-- Single sign-on per account: SAML and OIDC configurations, the email
-- domains they claim (proved by a DNS TXT record), and the roles their users get.
CREATE TABLE sso_configurations (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    type                   TEXT NOT NULL,                 -- saml or oidc
    enabled                BOOLEAN NOT NULL DEFAULT TRUE,
    sso_endpoint           TEXT NOT NULL DEFAULT '',      -- SAML: the IdP's SSO URL; OIDC: the issuer
    idp_entity_id          TEXT NOT NULL DEFAULT '',
    public_certificate     TEXT NOT NULL DEFAULT '',      -- the IdP's signing certificates, PEM
    sign_request           BOOLEAN NOT NULL DEFAULT FALSE,
    metadata_url           TEXT NOT NULL DEFAULT '',
    idp_metadata           TEXT NOT NULL DEFAULT '',      -- the IdP metadata XML as uploaded or fetched
    oidc_client_id         TEXT NOT NULL DEFAULT '',
    oidc_secret            TEXT NOT NULL DEFAULT '',      -- sealed
    config_metadata        TEXT NOT NULL DEFAULT '{}',
    override_active_tenant BOOLEAN NOT NULL DEFAULT FALSE,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX sso_configurations_tenant ON sso_configurations (tenant_id, created_at);

-- An email domain a configuration claims. Only one configuration holds a
-- domain validated at a time.
CREATE TABLE sso_domains (
    id                TEXT PRIMARY KEY,
    configuration_id  TEXT NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    domain            TEXT NOT NULL,
    validated         BOOLEAN NOT NULL DEFAULT FALSE,
    txt_record        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (configuration_id, domain)
);
CREATE UNIQUE INDEX sso_domains_validated ON sso_domains (domain) WHERE validated = TRUE;

CREATE TABLE sso_default_roles (
    configuration_id  TEXT NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    role_id           TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (configuration_id, role_id)
);

-- IdP groups mapped to roles.
CREATE TABLE sso_groups (
    id                TEXT PRIMARY KEY,
    configuration_id  TEXT NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (configuration_id, name)
);
CREATE TABLE sso_group_roles (
    group_id  TEXT NOT NULL REFERENCES sso_groups (id) ON DELETE CASCADE,
    role_id   TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, role_id)
);

-- Logins sent to an IdP and not yet back: the SAML RelayState or OIDC state,
-- stored as a SHA-256 hash, with what the answer is checked against.
CREATE TABLE sso_login_states (
    hash              TEXT PRIMARY KEY,
    configuration_id  TEXT NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    request_id        TEXT NOT NULL DEFAULT '', -- SAML AuthnRequest ID
    nonce             TEXT NOT NULL DEFAULT '', -- OIDC nonce
    code_verifier     TEXT NOT NULL DEFAULT '', -- OIDC PKCE verifier, sealed
    redirect_uri      TEXT NOT NULL DEFAULT '',
    return_to         TEXT NOT NULL DEFAULT '', -- where the browser goes after a form-posted SAML login
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE INDEX sso_login_states_expires ON sso_login_states (expires_at);

-- IDs of SAML assertions accepted, kept until the assertion expires, so that
-- every node refuses a replay.
CREATE TABLE saml_assertions (
    id          TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires_at);

-- Social login providers the environment turned on (google, github, …).
CREATE TABLE social_providers (
    type               TEXT PRIMARY KEY,
    active             BOOLEAN NOT NULL DEFAULT FALSE,
    client_id          TEXT NOT NULL DEFAULT '',
    secret             TEXT NOT NULL DEFAULT '', -- sealed
    redirect_url       TEXT NOT NULL DEFAULT '',
    additional_scopes  TEXT NOT NULL DEFAULT '[]',
    customised         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

-- Custom OAuth providers of the environment.
CREATE TABLE custom_social_providers (
    id                 TEXT PRIMARY KEY,
    type               TEXT NOT NULL DEFAULT 'custom',
    client_id          TEXT NOT NULL,
    secret             TEXT NOT NULL,            -- sealed
    redirect_url       TEXT NOT NULL,
    authorization_url  TEXT NOT NULL,
    token_url          TEXT NOT NULL,
    user_info_url      TEXT NOT NULL,
    scopes             TEXT NOT NULL DEFAULT '',
    sso_logo_url       TEXT NOT NULL DEFAULT '',
    display_name       TEXT NOT NULL DEFAULT '',
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
