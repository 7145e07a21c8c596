-- Versions that let a node keep users' profiles and authorization in memory
-- and still answer every read as the database stands (see store/profiles.go):
-- each change to what a user's profile or authorization is made of bumps that
-- user's row in user_versions, in the changing transaction, whatever code path
-- (or cascade) made it; a change to roles, permissions or group roles, which
-- may touch many users, bumps the single profile_epoch row instead. A reader
-- reads both versions first, then uses its copy only if they are unchanged.
-- A deleted user's row stays, so that its version never goes back.

CREATE TABLE user_versions (
    user_id  TEXT PRIMARY KEY,
    v        BIGINT NOT NULL
);

CREATE TABLE profile_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    v   BIGINT NOT NULL
);
INSERT INTO profile_epoch (id, v) VALUES (1, 1);

-- profile_version_bump(column): bumps the version of the user named in that
-- column of the old row (updates and deletes) and of the new row (inserts, and
-- updates that move the row to another user).
CREATE FUNCTION profile_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_id TEXT;
    new_id TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_id := to_jsonb(OLD) ->> TG_ARGV[0];
        INSERT INTO user_versions (user_id, v) VALUES (old_id, 1)
            ON CONFLICT (user_id) DO UPDATE SET v = user_versions.v + 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_id := to_jsonb(NEW) ->> TG_ARGV[0];
        IF old_id IS DISTINCT FROM new_id THEN
            INSERT INTO user_versions (user_id, v) VALUES (new_id, 1)
                ON CONFLICT (user_id) DO UPDATE SET v = user_versions.v + 1;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION profile_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER users_version AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION profile_version_bump('id');

CREATE TRIGGER user_tenants_version AFTER INSERT OR UPDATE OR DELETE ON user_tenants
    FOR EACH ROW EXECUTE FUNCTION profile_version_bump('user_id');

CREATE TRIGGER user_roles_version AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION profile_version_bump('user_id');

CREATE TRIGGER group_members_version AFTER INSERT OR UPDATE OR DELETE ON group_members
    FOR EACH ROW EXECUTE FUNCTION profile_version_bump('user_id');

CREATE TRIGGER roles_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION profile_epoch_bump();

CREATE TRIGGER role_permissions_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION profile_epoch_bump();

CREATE TRIGGER permissions_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions
    FOR EACH STATEMENT EXECUTE FUNCTION profile_epoch_bump();

CREATE TRIGGER group_roles_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON group_roles
    FOR EACH STATEMENT EXECUTE FUNCTION profile_epoch_bump();
