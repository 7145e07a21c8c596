package store

import (
	"context"
	"errors"
	"time"
)

// BulkInvite is a task inviting many users into one account.
type BulkInvite struct {
	ID        string
	TenantID  string
	Status    string
	Total     int
	CreatedAt time.Time
	UpdatedAt time.Time
	Users     []BulkInviteUser // by index
}

// BulkInviteUser is one user of a bulk invitation and its outcome.
type BulkInviteUser struct {
	Index   int
	Email   string
	Request string // the sealed request while Status is pending; "" afterwards
	Status  string
	UserID  string
	Error   string
}

// Bulk invitation task statuses, as Frontegg names those of its bulk tasks.
const (
	BulkNotStarted          = "NotStarted"
	BulkInProgress          = "InProgress"
	BulkCompleted           = "Completed"
	BulkCompletedWithErrors = "CompletedWithErrors"
)

// Statuses of a user of a bulk invitation.
const (
	BulkUserPending = "Pending"
	BulkUserSuccess = "Success"
	BulkUserFailed  = "Failed"
)

// CreateBulkInvite stores b, NotStarted, with its users pending.
func (db *DB) CreateBulkInvite(ctx context.Context, b *BulkInvite) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO bulk_invites (id, tenant_id, status, total, lease_until, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, $5)`, b.ID, b.TenantID, BulkNotStarted, len(b.Users), micros(b.CreatedAt))
		if err != nil {
			return mapErr(err)
		}
		for _, u := range b.Users {
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO bulk_invite_users (task_id, idx, email, request, status, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, b.ID, u.Index, u.Email, u.Request, BulkUserPending, micros(b.CreatedAt))
			if err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// FindBulkInvite returns the task with id and its users (without their
// requests), or iam.ErrNotFound.
func (db *DB) FindBulkInvite(ctx context.Context, id string) (*BulkInvite, error) {
	var b BulkInvite
	var created, updated int64
	err := db.r.QueryRowContext(ctx, `SELECT id, tenant_id, status, total, created_at, updated_at FROM bulk_invites WHERE id = $1`, id).
		Scan(&b.ID, &b.TenantID, &b.Status, &b.Total, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	b.CreatedAt, b.UpdatedAt = fromMicros(created), fromMicros(updated)
	b.Users, err = queryBulkInviteUsers(ctx, db.r, `SELECT idx, email, '', status, user_id, error FROM bulk_invite_users
		WHERE task_id = $1 ORDER BY idx`, id)
	return &b, err
}

func queryBulkInviteUsers(ctx context.Context, q querier, query string, args ...any) ([]BulkInviteUser, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BulkInviteUser
	for rows.Next() {
		var u BulkInviteUser
		if err := rows.Scan(&u.Index, &u.Email, &u.Request, &u.Status, &u.UserID, &u.Error); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ClaimBulkInvite leases one task that is due (not started, or in progress
// under a lease that is over because its node stopped) until leaseUntil,
// marks it InProgress and returns it with its pending users and their
// requests. It returns iam.ErrNotFound when no task is due. On PostgreSQL
// nodes claiming together skip each other's task.
func (db *DB) ClaimBulkInvite(ctx context.Context, now, leaseUntil time.Time) (*BulkInvite, error) {
	lock := ""
	if db.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var b BulkInvite
	err := db.InTx(ctx, func(tx *Tx) error {
		var created int64
		err := tx.tx.QueryRowContext(ctx, `SELECT id, tenant_id, total, created_at FROM bulk_invites
			WHERE status IN ($1, $2) AND lease_until <= $3 ORDER BY created_at LIMIT 1`+lock,
			BulkNotStarted, BulkInProgress, micros(now)).Scan(&b.ID, &b.TenantID, &b.Total, &created)
		if err != nil {
			return mapErr(err)
		}
		b.CreatedAt, b.UpdatedAt, b.Status = fromMicros(created), now, BulkInProgress
		if _, err := tx.tx.ExecContext(ctx, `UPDATE bulk_invites SET status = $2, lease_until = $3, updated_at = $4 WHERE id = $1`,
			b.ID, BulkInProgress, micros(leaseUntil), micros(now)); err != nil {
			return err
		}
		b.Users, err = queryBulkInviteUsers(ctx, tx.tx, `SELECT idx, email, request, status, user_id, error FROM bulk_invite_users
			WHERE task_id = $1 AND status = $2 ORDER BY idx`, b.ID, BulkUserPending)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// ExtendBulkInviteLease keeps the task leased until leaseUntil.
func (db *DB) ExtendBulkInviteLease(ctx context.Context, id string, leaseUntil time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE bulk_invites SET lease_until = $2 WHERE id = $1`, id, micros(leaseUntil))
	return mapErr(err)
}

// FinishBulkInviteUser records the outcome of a pending user of the task and
// erases its request. It returns iam.ErrNotFound when the user is no longer
// pending (another node recorded it).
func (tx *Tx) FinishBulkInviteUser(ctx context.Context, taskID string, u BulkInviteUser, now time.Time) error {
	return finishBulkInviteUser(ctx, tx.tx, taskID, u, now)
}

// FinishBulkInviteUser is FinishBulkInviteUser in a transaction of its own.
func (db *DB) FinishBulkInviteUser(ctx context.Context, taskID string, u BulkInviteUser, now time.Time) error {
	return finishBulkInviteUser(ctx, db.w, taskID, u, now)
}

func finishBulkInviteUser(ctx context.Context, q querier, taskID string, u BulkInviteUser, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE bulk_invite_users SET status = $3, user_id = $4, error = $5, request = '', updated_at = $6
		WHERE task_id = $1 AND idx = $2 AND status = $7`, taskID, u.Index, u.Status, u.UserID, u.Error, micros(now), BulkUserPending)
	return affectedOne(res, err)
}

// CompleteBulkInvite ends the task once none of its users is pending:
// Completed, or CompletedWithErrors when one failed. It returns the status.
func (db *DB) CompleteBulkInvite(ctx context.Context, id string, now time.Time) (string, error) {
	var status string
	err := db.InTx(ctx, func(tx *Tx) error {
		var pending, failed int
		err := tx.tx.QueryRowContext(ctx, `SELECT
				COALESCE(SUM(CASE WHEN status = $2 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN status = $3 THEN 1 ELSE 0 END), 0)
			FROM bulk_invite_users WHERE task_id = $1`, id, BulkUserPending, BulkUserFailed).Scan(&pending, &failed)
		if err != nil {
			return err
		}
		switch {
		case pending > 0:
			return errors.New("bulk invite: users still pending")
		case failed > 0:
			status = BulkCompletedWithErrors
		default:
			status = BulkCompleted
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE bulk_invites SET status = $2, updated_at = $3 WHERE id = $1`, id, status, micros(now))
		return affectedOne(res, err)
	})
	return status, err
}
