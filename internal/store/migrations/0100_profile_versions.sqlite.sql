-- Versions that let a node keep users' profiles and authorization in memory
-- and still answer every read as the database stands (see store/profiles.go):
-- each change to what a user's profile or authorization is made of bumps that
-- user's row in user_versions, in the changing transaction, whatever code path
-- (or cascade) made it; a change to roles, permissions or group roles, which
-- may touch many users, bumps the single profile_epoch row instead. A reader
-- reads both versions first, then uses its copy only if they are unchanged.
-- A deleted user's row stays, so that its version never goes back. (The PostgreSQL version
-- of this migration has the same triggers.)

CREATE TABLE user_versions (
    user_id  TEXT PRIMARY KEY,
    v        BIGINT NOT NULL
);

CREATE TABLE profile_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    v   BIGINT NOT NULL
);
INSERT INTO profile_epoch (id, v) VALUES (1, 1);

CREATE TRIGGER users_version_update AFTER UPDATE ON users
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
    INSERT INTO user_versions (user_id, v) SELECT NEW.id, 1 WHERE NEW.id <> OLD.id
        ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER users_version_delete AFTER DELETE ON users
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_tenants_version_insert AFTER INSERT ON user_tenants
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (NEW.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_tenants_version_update AFTER UPDATE ON user_tenants
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
    INSERT INTO user_versions (user_id, v) SELECT NEW.user_id, 1 WHERE NEW.user_id <> OLD.user_id
        ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_tenants_version_delete AFTER DELETE ON user_tenants
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_roles_version_insert AFTER INSERT ON user_roles
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (NEW.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_roles_version_update AFTER UPDATE ON user_roles
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
    INSERT INTO user_versions (user_id, v) SELECT NEW.user_id, 1 WHERE NEW.user_id <> OLD.user_id
        ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER user_roles_version_delete AFTER DELETE ON user_roles
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER group_members_version_insert AFTER INSERT ON group_members
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (NEW.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER group_members_version_update AFTER UPDATE ON group_members
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
    INSERT INTO user_versions (user_id, v) SELECT NEW.user_id, 1 WHERE NEW.user_id <> OLD.user_id
        ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER group_members_version_delete AFTER DELETE ON group_members
BEGIN
    INSERT INTO user_versions (user_id, v) VALUES (OLD.user_id, 1) ON CONFLICT (user_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER roles_epoch_insert AFTER INSERT ON roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER roles_epoch_update AFTER UPDATE ON roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER roles_epoch_delete AFTER DELETE ON roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER role_permissions_epoch_insert AFTER INSERT ON role_permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER role_permissions_epoch_update AFTER UPDATE ON role_permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER role_permissions_epoch_delete AFTER DELETE ON role_permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER permissions_epoch_insert AFTER INSERT ON permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER permissions_epoch_update AFTER UPDATE ON permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER permissions_epoch_delete AFTER DELETE ON permissions
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER group_roles_epoch_insert AFTER INSERT ON group_roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER group_roles_epoch_update AFTER UPDATE ON group_roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;

CREATE TRIGGER group_roles_epoch_delete AFTER DELETE ON group_roles
BEGIN
    UPDATE profile_epoch SET v = v + 1 WHERE id = 1;
END;
