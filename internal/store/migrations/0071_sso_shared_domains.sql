-- Several accounts may hold one SSO domain validated when the environment's
-- multiple-SSO-per-domain setting allows it, so the unique index that allowed
-- one validated holder per domain gives way to a check made in the
-- validating transaction (store/sso.go, ssoDomainHeld). Lookups by domain
-- keep an index.
DROP INDEX sso_domains_validated;
CREATE INDEX sso_domains_domain ON sso_domains (domain, validated);
