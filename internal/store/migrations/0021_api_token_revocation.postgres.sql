-- Record in api_token_revocations every API token that stops working, whatever
-- code path stops it, so that nodes refuse its access tokens within a poll:
-- deletion (directly, or through the cascades from a removed membership, user
-- or account) revokes it; a locked account, a disabled membership or a locked
-- user suspends it. Rows carry no time: the first node to poll them stamps it.
-- A revocation is never turned back into a suspension; a new suspension
-- restarts the clock of an earlier one. (The SQLite version of this migration
-- has the same triggers.)

CREATE FUNCTION api_tokens_revoke_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension) VALUES (OLD.id, NULL, FALSE)
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL, suspension = FALSE WHERE api_token_revocations.suspension;
    RETURN NULL;
END $$;
CREATE TRIGGER api_tokens_revoke_deleted AFTER DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION api_tokens_revoke_deleted();

CREATE FUNCTION api_tokens_suspend_locked_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE tenant_id = NEW.tenant_id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
    RETURN NULL;
END $$;
CREATE TRIGGER api_tokens_suspend_locked_tenant AFTER UPDATE OF locked ON tenants
    FOR EACH ROW WHEN (NEW.locked AND NOT OLD.locked) EXECUTE FUNCTION api_tokens_suspend_locked_tenant();

CREATE FUNCTION api_tokens_suspend_disabled_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE owner_user_id = NEW.user_id AND tenant_id = NEW.tenant_id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
    RETURN NULL;
END $$;
CREATE TRIGGER api_tokens_suspend_disabled_membership AFTER UPDATE OF disabled ON user_tenants
    FOR EACH ROW WHEN (NEW.disabled AND NOT OLD.disabled) EXECUTE FUNCTION api_tokens_suspend_disabled_membership();

CREATE FUNCTION api_tokens_suspend_locked_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE user_id = NEW.id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
    RETURN NULL;
END $$;
CREATE TRIGGER api_tokens_suspend_locked_user AFTER UPDATE OF locked ON users
    FOR EACH ROW WHEN (NEW.locked AND NOT OLD.locked) EXECUTE FUNCTION api_tokens_suspend_locked_user();
