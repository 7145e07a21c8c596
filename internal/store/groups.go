package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

const groupColumns = `g.id, g.tenant_id, g.name, g.color, g.description, g.metadata, g.managed_by, g.created_at, g.updated_at`

// GroupFilter narrows FindGroups. Groups always belong to one tenant.
type GroupFilter struct {
	TenantID  string
	IDs       []string // only these groups (nil: no limit)
	WithRoles bool     // fill Group.Roles
	WithUsers bool     // fill Group.Members
	Unpaged   bool     // every match, ignoring Page's limit and offset
	Page               // SortBy: id, name, createdAt, updatedAt
}

// FindGroups returns the tenant's groups that match f and how many match in all.
func (db *DB) FindGroups(ctx context.Context, f GroupFilter) ([]*iam.Group, int, error) {
	where, args := ` WHERE g.tenant_id = $1`, []any{f.TenantID}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		where += ` AND g.id IN (` + placeholders(2, len(f.IDs)) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_groups g`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	query := `SELECT ` + groupColumns + ` FROM user_groups g` + where +
		f.orderBy(map[string]string{"id": "g.id", "name": "g.name", "createdAt": "g.created_at", "updatedAt": "g.updated_at"}, "g.created_at")
	if !f.Unpaged {
		args = append(args, f.limit(), f.Offset)
		query += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*iam.Group
	for rows.Next() {
		var g iam.Group
		var created, updated int64
		if err := rows.Scan(&g.ID, &g.TenantID, &g.Name, &g.Color, &g.Description, &g.Metadata, &g.ManagedBy, &created, &updated); err != nil {
			return nil, 0, err
		}
		g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
		g.Roles, g.Members = []*iam.Role{}, []*iam.GroupMember{}
		out = append(out, &g)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if f.WithRoles {
		if err := db.fillGroupRoles(ctx, out); err != nil {
			return nil, 0, err
		}
	}
	if f.WithUsers {
		if err := db.fillGroupMembers(ctx, out); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// FindGroup returns the tenant's group with id, or iam.ErrNotFound.
func (db *DB) FindGroup(ctx context.Context, tenantID, id string, withRoles, withUsers bool) (*iam.Group, error) {
	gs, _, err := db.FindGroups(ctx, GroupFilter{TenantID: tenantID, IDs: []string{id}, WithRoles: withRoles, WithUsers: withUsers, Unpaged: true})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, iam.ErrNotFound
	}
	return gs[0], nil
}

func groupIndex(groups []*iam.Group) (map[string]*iam.Group, []any) {
	byID := make(map[string]*iam.Group, len(groups))
	args := make([]any, len(groups))
	for i, g := range groups {
		byID[g.ID], args[i] = g, g.ID
	}
	return byID, args
}

func (db *DB) fillGroupRoles(ctx context.Context, groups []*iam.Group) error {
	if len(groups) == 0 {
		return nil
	}
	byID, args := groupIndex(groups)
	rows, err := db.r.QueryContext(ctx, `SELECT gr.group_id, `+roleColumns+` FROM group_roles gr JOIN roles r ON r.id = gr.role_id
		WHERE gr.group_id IN (`+placeholders(1, len(args))+`) ORDER BY r.level, r.key, r.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var groupID string
		var r iam.Role
		var created, updated int64
		if err := rows.Scan(&groupID, &r.ID, &r.Key, &r.Name, &r.Description, &r.TenantID, &r.Level, &r.IsDefault,
			&r.FirstUserRole, &created, &updated); err != nil {
			return err
		}
		r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
		r.Permissions = []string{}
		byID[groupID].Roles = append(byID[groupID].Roles, &r)
	}
	return rows.Err()
}

func (db *DB) fillGroupMembers(ctx context.Context, groups []*iam.Group) error {
	if len(groups) == 0 {
		return nil
	}
	byID, args := groupIndex(groups)
	cols := strings.Split(userColumns, ",")
	for i, c := range cols {
		cols[i] = "u." + strings.TrimSpace(c)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT gm.group_id, ut.activated, `+strings.Join(cols, ", ")+` FROM group_members gm
		JOIN users u ON u.id = gm.user_id JOIN user_tenants ut ON ut.user_id = gm.user_id AND ut.tenant_id = gm.tenant_id
		WHERE gm.group_id IN (`+placeholders(1, len(args))+`) ORDER BY u.email_lower, u.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var groupID string
		var m iam.GroupMember
		u, err := scanUser(prefixScanner{row: rows, dst: []any{&groupID, &m.ActivatedForTenant}})
		if err != nil {
			return err
		}
		m.User = u
		byID[groupID].Members = append(byID[groupID].Members, &m)
	}
	return rows.Err()
}

// prefixScanner scans the first len(dst) columns into dst and hands the rest
// to the caller's destinations.
type prefixScanner struct {
	row interface{ Scan(...any) error }
	dst []any
}

func (p prefixScanner) Scan(rest ...any) error { return p.row.Scan(append(p.dst, rest...)...) }

// CreateGroup inserts g. It returns iam.ErrConflict when the tenant already
// has a group with its name and iam.ErrNotFound when the tenant does not exist.
func (db *DB) CreateGroup(ctx context.Context, g *iam.Group) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkTenant(ctx, g.TenantID); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_groups (id, tenant_id, name, color, description, metadata, managed_by,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, g.ID, g.TenantID, g.Name, g.Color, g.Description,
			g.Metadata, g.ManagedBy, micros(g.CreatedAt), micros(g.UpdatedAt))
		return mapErr(err)
	})
}

// UpdateGroup saves g's name, color, description and metadata. It returns
// iam.ErrNotFound when the tenant has no such group and iam.ErrConflict when
// the name is taken.
func (db *DB) UpdateGroup(ctx context.Context, g *iam.Group) error {
	res, err := db.w.ExecContext(ctx, `UPDATE user_groups SET name = $3, color = $4, description = $5, metadata = $6, updated_at = $7
		WHERE id = $1 AND tenant_id = $2`, g.ID, g.TenantID, g.Name, g.Color, g.Description, g.Metadata, micros(g.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteGroup removes the tenant's group with its roles and members.
func (db *DB) DeleteGroup(ctx context.Context, tenantID, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkGroup(ctx, tenantID, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM group_roles WHERE group_id = $1`, `DELETE FROM group_members WHERE group_id = $1`,
			`DELETE FROM user_groups WHERE id = $1`} {
			if _, err := tx.tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkGroup returns iam.ErrNotFound unless the tenant has the group.
func (tx *Tx) checkGroup(ctx context.Context, tenantID, id string) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_groups WHERE id = $1 AND tenant_id = $2`, id, tenantID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("group %s: %w", id, iam.ErrNotFound)
	}
	return nil
}

// AddGroupRoles gives the tenant's group roleIDs (kept when already held). It
// returns iam.ErrNotFound when the group does not exist or a role is not
// usable in the tenant.
func (db *DB) AddGroupRoles(ctx context.Context, tenantID, groupID string, roleIDs []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkGroup(ctx, tenantID, groupID); err != nil {
			return err
		}
		if err := tx.CheckRoles(ctx, tenantID, roleIDs); err != nil {
			return fmt.Errorf("roles: %w", err)
		}
		for _, id := range roleIDs {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO group_roles (group_id, role_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, groupID, id, micros(now)); err != nil {
				return mapErr(err)
			}
		}
		return tx.touchGroup(ctx, groupID, now)
	})
}

// RemoveGroupRoles takes roleIDs from the tenant's group.
func (db *DB) RemoveGroupRoles(ctx context.Context, tenantID, groupID string, roleIDs []string, now time.Time) error {
	return db.groupRemove(ctx, tenantID, groupID, `DELETE FROM group_roles WHERE group_id = $1 AND role_id = $2`, roleIDs, now)
}

// AddGroupMembers puts userIDs in the tenant's group (kept when already
// there). It returns iam.ErrNotFound when the group does not exist or a user
// is not a member of the tenant.
func (db *DB) AddGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkGroup(ctx, tenantID, groupID); err != nil {
			return err
		}
		for _, id := range userIDs {
			res, err := tx.tx.ExecContext(ctx, `INSERT INTO group_members (group_id, user_id, tenant_id, created_at)
				SELECT $1, user_id, tenant_id, CAST($4 AS BIGINT) FROM user_tenants WHERE user_id = $2 AND tenant_id = $3
				ON CONFLICT DO NOTHING`, groupID, id, tenantID, micros(now))
			if err != nil {
				return mapErr(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				var member int
				if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, id, tenantID).Scan(&member); err != nil {
					return err
				}
				if member == 0 {
					return fmt.Errorf("user %s: %w", id, iam.ErrNotFound)
				}
			}
		}
		return tx.touchGroup(ctx, groupID, now)
	})
}

// RemoveGroupMembers takes userIDs out of the tenant's group.
func (db *DB) RemoveGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string, now time.Time) error {
	return db.groupRemove(ctx, tenantID, groupID, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, userIDs, now)
}

// groupRemove runs del for each id on the tenant's group, or returns
// iam.ErrNotFound when the tenant has no such group.
func (db *DB) groupRemove(ctx context.Context, tenantID, groupID, del string, ids []string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkGroup(ctx, tenantID, groupID); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.tx.ExecContext(ctx, del, groupID, id); err != nil {
				return err
			}
		}
		return tx.touchGroup(ctx, groupID, now)
	})
}

func (tx *Tx) touchGroup(ctx context.Context, id string, now time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE user_groups SET updated_at = $2 WHERE id = $1`, id, micros(now))
	return err
}

// GroupRoleIDs returns the ids of the roles of the tenant's group, or
// iam.ErrNotFound when the tenant has no such group.
func (db *DB) GroupRoleIDs(ctx context.Context, tenantID, groupID string) ([]string, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_groups WHERE id = $1 AND tenant_id = $2`, groupID, tenantID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, iam.ErrNotFound
	}
	return queryStrings(ctx, db.r, `SELECT role_id FROM group_roles WHERE group_id = $1 ORDER BY role_id`, groupID)
}
