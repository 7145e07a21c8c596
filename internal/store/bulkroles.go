package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// Bulk role task statuses.
const (
	TaskNotStarted          = "NotStarted"
	TaskInProgress          = "InProgress"
	TaskCompleted           = "Completed"
	TaskCompletedWithErrors = "CompletedWithErrors"
)

// BulkRoleTask adds and removes one user's roles in several accounts, one
// account at a time, so a failure in one account loses none of the others.
type BulkRoleTask struct {
	ID            string
	UserID        string
	Status        string
	TenantIDs     []string
	AddRoleIDs    []string
	RemoveRoleIDs []string
	Processed     int // accounts done, successfully or not, in TenantIDs order
	Succeeded     int
	Errors        []BulkRoleError
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// BulkRoleError is the failure of one account of a task.
type BulkRoleError struct {
	Message  string `json:"message"`
	TenantID string `json:"tenantId,omitempty"`
	Details  string `json:"details,omitempty"`
}

const bulkTaskColumns = `id, user_id, status, tenant_ids, add_role_ids, remove_role_ids, processed, succeeded, errors, created_at, updated_at`

func scanBulkTask(row interface{ Scan(...any) error }) (*BulkRoleTask, error) {
	var t BulkRoleTask
	var tenants, add, remove, errs string
	var created, updated int64
	if err := row.Scan(&t.ID, &t.UserID, &t.Status, &tenants, &add, &remove, &t.Processed, &t.Succeeded, &errs, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	for _, f := range []struct {
		raw string
		dst any
	}{{tenants, &t.TenantIDs}, {add, &t.AddRoleIDs}, {remove, &t.RemoveRoleIDs}, {errs, &t.Errors}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return nil, fmt.Errorf("bulk role task %s: %w", t.ID, err)
		}
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

func jsonText(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// CreateBulkRoleTask stores t as not started.
func (db *DB) CreateBulkRoleTask(ctx context.Context, t *BulkRoleTask) error {
	t.Status = TaskNotStarted
	if t.Errors == nil {
		t.Errors = []BulkRoleError{}
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO bulk_role_tasks (`+bulkTaskColumns+`) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, '[]', $7, $8)`,
		t.ID, t.UserID, t.Status, jsonText(t.TenantIDs), jsonText(t.AddRoleIDs), jsonText(t.RemoveRoleIDs),
		micros(t.CreatedAt), micros(t.UpdatedAt))
	return mapErr(err)
}

// FindBulkRoleTask returns the task with id, or iam.ErrNotFound.
func (db *DB) FindBulkRoleTask(ctx context.Context, id string) (*BulkRoleTask, error) {
	return scanBulkTask(db.r.QueryRowContext(ctx, `SELECT `+bulkTaskColumns+` FROM bulk_role_tasks WHERE id = $1`, id))
}

// ClaimBulkRoleTask marks the oldest task that is not started, or whose
// worker has not been heard of since staleBefore, as in progress and returns
// it. It returns iam.ErrNotFound when there is none. Of two nodes claiming
// together, one gets the task.
func (db *DB) ClaimBulkRoleTask(ctx context.Context, now, staleBefore time.Time) (*BulkRoleTask, error) {
	const claimable = `(status = 'NotStarted' OR (status = 'InProgress' AND claimed_at < $2))`
	return scanBulkTask(db.w.QueryRowContext(ctx, `UPDATE bulk_role_tasks SET status = 'InProgress', claimed_at = $1, updated_at = $1
		WHERE id = (SELECT id FROM bulk_role_tasks WHERE `+claimable+` ORDER BY created_at, id LIMIT 1) AND `+claimable+`
		RETURNING `+bulkTaskColumns, micros(now), micros(staleBefore)))
}

// ClaimBulkRoleTaskByID is ClaimBulkRoleTask for one task, for a caller that
// runs the task it has just created.
func (db *DB) ClaimBulkRoleTaskByID(ctx context.Context, id string, now time.Time) (*BulkRoleTask, error) {
	return scanBulkTask(db.w.QueryRowContext(ctx, `UPDATE bulk_role_tasks SET status = 'InProgress', claimed_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'NotStarted' RETURNING `+bulkTaskColumns, id, micros(now)))
}

// ErrTaskTaken is returned by RunBulkRoleStep when another worker has already
// done the step.
var ErrTaskTaken = errors.New("bulk role task step taken by another worker")

// RunBulkRoleStep applies the task to its account number t.Processed: change
// adds and removes the roles (and records what it must) in one transaction
// that also counts the step, or, when that fails, the failure is recorded and
// the step counted in another. It advances t and returns the account's
// error, if any (already recorded).
func (db *DB) RunBulkRoleStep(ctx context.Context, t *BulkRoleTask, now time.Time, change func(tx *Tx, tenantID string) error) (stepErr error, err error) {
	step := t.Processed
	tenantID := t.TenantIDs[step]
	advance := func(tx *Tx, succeeded int, errs []BulkRoleError) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE bulk_role_tasks SET processed = $3, succeeded = $4, errors = $5, claimed_at = $6,
			updated_at = $6 WHERE id = $1 AND processed = $2`, t.ID, step, step+1, succeeded, jsonText(errs), micros(now))
		if err := affectedOne(res, err); errors.Is(err, iam.ErrNotFound) {
			return ErrTaskTaken
		} else if err != nil {
			return err
		}
		return nil
	}
	stepErr = db.InTx(ctx, func(tx *Tx) error {
		if err := change(tx, tenantID); err != nil {
			return err
		}
		return advance(tx, t.Succeeded+1, t.Errors)
	})
	switch {
	case stepErr == nil:
		t.Processed, t.Succeeded = step+1, t.Succeeded+1
		return nil, nil
	case errors.Is(stepErr, ErrTaskTaken):
		return nil, stepErr
	}
	errs := append(t.Errors, BulkRoleError{Message: "Failed to update roles for tenant", TenantID: tenantID, Details: stepErr.Error()})
	if err := db.InTx(ctx, func(tx *Tx) error { return advance(tx, t.Succeeded, errs) }); err != nil {
		return stepErr, err
	}
	t.Processed, t.Errors = step+1, errs
	return stepErr, nil
}

// FinishBulkRoleTask marks the task completed, with errors or not.
func (db *DB) FinishBulkRoleTask(ctx context.Context, t *BulkRoleTask, now time.Time) error {
	t.Status = TaskCompleted
	if len(t.Errors) > 0 {
		t.Status = TaskCompletedWithErrors
	}
	res, err := db.w.ExecContext(ctx, `UPDATE bulk_role_tasks SET status = $2, claimed_at = NULL, updated_at = $3 WHERE id = $1`,
		t.ID, t.Status, micros(now))
	return affectedOne(res, err)
}
