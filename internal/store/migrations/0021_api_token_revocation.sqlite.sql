-- Record in api_token_revocations every API token that stops working, whatever
-- code path stops it, so that nodes refuse its access tokens within a poll:
-- deletion (directly, or through the cascades from a removed membership, user
-- or account) revokes it; a locked account, a disabled membership or a locked
-- user suspends it. Rows carry no time: the first node to poll them stamps it.
-- A revocation is never turned back into a suspension; a new suspension
-- restarts the clock of an earlier one.

CREATE TRIGGER api_tokens_revoke_deleted AFTER DELETE ON api_tokens
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension) VALUES (OLD.id, NULL, FALSE)
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL, suspension = FALSE WHERE api_token_revocations.suspension;
END;

CREATE TRIGGER api_tokens_suspend_locked_tenant AFTER UPDATE OF locked ON tenants
WHEN NEW.locked AND NOT OLD.locked
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE tenant_id = NEW.tenant_id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
END;

CREATE TRIGGER api_tokens_suspend_disabled_membership AFTER UPDATE OF disabled ON user_tenants
WHEN NEW.disabled AND NOT OLD.disabled
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE owner_user_id = NEW.user_id AND tenant_id = NEW.tenant_id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
END;

CREATE TRIGGER api_tokens_suspend_locked_user AFTER UPDATE OF locked ON users
WHEN NEW.locked AND NOT OLD.locked
BEGIN
    INSERT INTO api_token_revocations (id, revoked_at, suspension)
        SELECT id, NULL, TRUE FROM api_tokens WHERE user_id = NEW.id
        ON CONFLICT (id) DO UPDATE SET revoked_at = NULL WHERE api_token_revocations.suspension;
END;
