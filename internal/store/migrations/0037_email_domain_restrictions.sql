-- An account's email-domain allow and block lists, applied to sign-up,
-- invitations and SSO. Whether they apply is the account's
-- "emailDomainRestrictions" settings document.
CREATE TABLE email_domain_restrictions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    domain      TEXT NOT NULL,  -- lower case
    type        TEXT NOT NULL,  -- ALLOW or BLOCK
    created_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, type, domain)
);
