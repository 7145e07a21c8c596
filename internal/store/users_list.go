package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
)

// UserQuery narrows ListUsers: the filters of Frontegg's users/v3 list and
// its phrase search. Empty fields do not filter.
type UserQuery struct {
	TenantID         string   // members of this tenant only
	Email            string   // exact, case-insensitive
	IDs              []string // only these users
	ExternalIDs      []string // only users with these external ids
	NamePrefix       string   // name starts with, case-insensitive
	IdentifierType   string   // "email", "username" or "phoneNumber", with Identifier
	Identifier       string   // prefix of that identifier, case-insensitive
	Contains         []string // name, email or username contains each of these
	Excludes         []string // … contains none of these
	Optional         []string // … contains at least one of these
	IncludeInvisible bool
	Page
}

// userSortColumns are the _sortBy values of users/v3 and their columns.
var userSortColumns = map[string]string{
	"createdAt": "created_at", "name": "LOWER(name)", "email": "email_lower", "id": "id", "verified": "verified",
	"isLocked": "locked", "provider": "provider", "tenantId": "active_tenant_id", "lastLogin": "last_login_at",
}

// userSearchText is what phrase search matches against.
const userSearchText = `(LOWER(name) || ' ' || COALESCE(email_lower, '') || ' ' || COALESCE(username_lower, ''))`

// ListUsers returns a page of users matching q and the total that match.
func (db *DB) ListUsers(ctx context.Context, q UserQuery) ([]*iam.User, int, error) {
	var w whereBuilder
	if q.TenantID != "" {
		w.add(`id IN (SELECT user_id FROM user_tenants WHERE tenant_id = $%d)`, q.TenantID)
	}
	if q.Email != "" {
		w.add(`email_lower = $%d`, strings.ToLower(strings.TrimSpace(q.Email)))
	}
	if len(q.IDs) > 0 {
		w.in("id", q.IDs)
	}
	if len(q.ExternalIDs) > 0 {
		w.in("external_id", q.ExternalIDs)
	}
	if q.NamePrefix != "" {
		w.add(`LOWER(name) LIKE $%d ESCAPE '\'`, prefixPattern(q.NamePrefix))
	}
	if q.Identifier != "" {
		col := map[string]string{"email": "email_lower", "username": "username_lower", "phoneNumber": "LOWER(phone_number)"}[q.IdentifierType]
		if col == "" {
			return nil, 0, fmt.Errorf("list users: identifier type %q", q.IdentifierType)
		}
		w.add(col+` LIKE $%d ESCAPE '\'`, prefixPattern(q.Identifier))
	}
	for _, s := range q.Contains {
		w.add(userSearchText+` LIKE $%d ESCAPE '\'`, likePattern(s))
	}
	for _, s := range q.Excludes {
		w.add(userSearchText+` NOT LIKE $%d ESCAPE '\'`, likePattern(s))
	}
	if len(q.Optional) > 0 {
		var ors []string
		for _, s := range q.Optional {
			w.args = append(w.args, likePattern(s))
			ors = append(ors, fmt.Sprintf(userSearchText+` LIKE $%d ESCAPE '\'`, len(w.args)))
		}
		w.sql += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	if !q.IncludeInvisible {
		w.sql += " AND invisible = FALSE"
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE 1=1`+w.sql, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(w.args, q.limit(), q.Offset)
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE 1=1`+w.sql+q.orderBy(userSortColumns, "created_at")+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*iam.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// whereBuilder collects " AND …" conditions with numbered placeholders.
type whereBuilder struct {
	sql  string
	args []any
}

// add appends cond, whose %d verbs all name the placeholder of v.
func (w *whereBuilder) add(cond string, v any) {
	w.args = append(w.args, v)
	n := strings.Count(cond, "%d")
	nums := make([]any, n)
	for i := range nums {
		nums[i] = len(w.args)
	}
	w.sql += " AND " + fmt.Sprintf(cond, nums...)
}

// in appends "col IN (…)" for values.
func (w *whereBuilder) in(col string, values []string) {
	list, args := inList(len(w.args)+1, values)
	w.args = append(w.args, args...)
	w.sql += " AND " + col + " IN (" + list + ")"
}

// prefixPattern escapes s for a case-insensitive LIKE prefix match.
func prefixPattern(s string) string {
	p := likePattern(s)
	return p[1:]
}
