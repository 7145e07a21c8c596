package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Username is the username a user logs in with besides the email.
type Username struct {
	UserID   string
	Username string
}

// UsernameFilter narrows FindUsernames. Empty fields do not filter.
type UsernameFilter struct {
	Prefix    string   // username starts with, case-insensitive
	UserIDs   []string // these users only
	Usernames []string // these usernames only, case-insensitive
	TenantID  string   // members of this tenant only
	Page
}

// FindUsernames returns a page of the users that have a username, and the total that match.
func (db *DB) FindUsernames(ctx context.Context, f UsernameFilter) ([]Username, int, error) {
	var w whereBuilder
	w.sql = " AND username_lower IS NOT NULL"
	if f.Prefix != "" {
		w.add(`username_lower LIKE $%d ESCAPE '\'`, prefixPattern(f.Prefix))
	}
	if len(f.UserIDs) > 0 {
		w.in("id", f.UserIDs)
	}
	if len(f.Usernames) > 0 {
		lower := make([]string, len(f.Usernames))
		for i, u := range f.Usernames {
			lower[i] = strings.ToLower(strings.TrimSpace(u))
		}
		w.in("username_lower", lower)
	}
	if f.TenantID != "" {
		w.add(`id IN (SELECT user_id FROM user_tenants WHERE tenant_id = $%d)`, f.TenantID)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE 1=1`+w.sql, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(w.args, f.limit(), f.Offset)
	rows, err := db.r.QueryContext(ctx, `SELECT id, username FROM users WHERE 1=1`+w.sql+
		f.orderBy(map[string]string{"userId": "id", "username": "username_lower"}, "username_lower")+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Username
	for rows.Next() {
		var u Username
		if err := rows.Scan(&u.UserID, &u.Username); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// SetUsername gives the user username, replacing any it had. It returns
// iam.ErrConflict when another user has it and iam.ErrNotFound when there is no such user.
func (db *DB) SetUsername(ctx context.Context, userID, username string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET username = $2, username_lower = $3, updated_at = $4 WHERE id = $1`,
		userID, username, lowerOrNull(username), micros(now))
	return affectedOne(res, err)
}

// ClearUsername removes username from the user; iam.ErrNotFound when the user does not have it.
func (db *DB) ClearUsername(ctx context.Context, userID, username string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET username = '', username_lower = NULL, updated_at = $3
		WHERE id = $1 AND username_lower = $2`, userID, strings.ToLower(strings.TrimSpace(username)), micros(now))
	return affectedOne(res, err)
}
