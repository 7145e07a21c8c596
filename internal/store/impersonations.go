package store

import (
	"context"
	"time"
)

// Impersonation records who acts for whom in one session.
type Impersonation struct {
	SessionID string
	ActorKind string // vendor or user
	ActorID   string // the acting user, or the environment's client id
	UserID    string // the user acted for
	TenantID  string
	IP        string
	CreatedAt time.Time
}

// CreateImpersonation stores i. It is written before the session opens, so
// that the session's first token already names its actor.
func (db *DB) CreateImpersonation(ctx context.Context, i *Impersonation) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO impersonations (session_id, actor_kind, actor_id, user_id, tenant_id, ip, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, i.SessionID, i.ActorKind, i.ActorID, i.UserID, i.TenantID, i.IP, micros(i.CreatedAt))
	return mapErr(err)
}

// FindImpersonation returns the impersonation of the session, or iam.ErrNotFound.
func (db *DB) FindImpersonation(ctx context.Context, sessionID string) (*Impersonation, error) {
	var i Impersonation
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT session_id, actor_kind, actor_id, user_id, tenant_id, ip, created_at FROM impersonations
		WHERE session_id = $1`, sessionID).Scan(&i.SessionID, &i.ActorKind, &i.ActorID, &i.UserID, &i.TenantID, &i.IP, &created)
	if err != nil {
		return nil, mapErr(err)
	}
	i.CreatedAt = fromMicros(created)
	return &i, nil
}
