-- An account's IP allow and block lists. Which list applies, and whether any
-- does, is the account's "ipRestrictions" settings document.
CREATE TABLE ip_restrictions (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE ON UPDATE CASCADE,
    ip           TEXT NOT NULL,             -- canonical address or CIDR range, IPv4 or IPv6
    strategy     TEXT NOT NULL,             -- ALLOW or BLOCK
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (tenant_id, ip)
);
