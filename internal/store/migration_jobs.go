package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// Migration job states.
const (
	JobStaging   = "staging" // rows are still being added; no worker takes it
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

// MigrationJob is a bulk migration: its rows wait in migration_rows until a
// worker migrates them, batch by batch, from NextIndex on.
type MigrationJob struct {
	ID         string
	Kind       string // users or tenants
	State      string
	Total      int
	Migrated   int
	Failed     int
	NextIndex  int
	Worker     string
	LeaseUntil time.Time
	Error      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// MigrationRow is one waiting row of a job.
type MigrationRow struct {
	Index   int
	Payload string
}

// MigrationResult is the outcome of one row: Reason is empty when it was migrated.
type MigrationResult struct {
	Index  int
	Item   string // the email or account id the row named
	RefID  string // the user or account made
	Reason string
}

// ErrLeaseLost is returned when a worker writes to a job another worker has taken over.
var ErrLeaseLost = errors.New("migration job lease lost")

const jobColumns = `id, kind, state, total, migrated, failed, next_index, worker, lease_until, error, created_at, updated_at, finished_at`

func scanJob(row interface{ Scan(...any) error }) (*MigrationJob, error) {
	var j MigrationJob
	var lease, created, updated int64
	var finished sql.NullInt64
	err := row.Scan(&j.ID, &j.Kind, &j.State, &j.Total, &j.Migrated, &j.Failed, &j.NextIndex, &j.Worker, &lease,
		&j.Error, &created, &updated, &finished)
	if err != nil {
		return nil, mapErr(err)
	}
	j.LeaseUntil, j.CreatedAt, j.UpdatedAt = fromMicros(lease), fromMicros(created), fromMicros(updated)
	j.FinishedAt = timePtr(finished)
	return &j, nil
}

// CreateMigrationJob inserts j.
func (tx *Tx) CreateMigrationJob(ctx context.Context, j *MigrationJob) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO migration_jobs (`+jobColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		j.ID, j.Kind, j.State, j.Total, j.Migrated, j.Failed, j.NextIndex, j.Worker, micros(j.LeaseUntil), j.Error,
		micros(j.CreatedAt), micros(j.UpdatedAt), nullMicros(j.FinishedAt))
	return mapErr(err)
}

// AddMigrationRows appends rows to a job and adds them to its total.
func (tx *Tx) AddMigrationRows(ctx context.Context, jobID string, rows []MigrationRow, now time.Time) error {
	err := insertRows(ctx, tx, "migration_rows", []string{"job_id", "idx", "payload"}, len(rows),
		func(i int) []any { return []any{jobID, rows[i].Index, rows[i].Payload} }, "")
	if err != nil {
		return fmt.Errorf("add migration rows: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE migration_jobs SET total = total + $2, updated_at = $3 WHERE id = $1`,
		jobID, len(rows), micros(now))
	return affectedOne(res, err)
}

// SetMigrationJobState moves a job to state (a staging job to pending, say).
func (db *DB) SetMigrationJobState(ctx context.Context, jobID, state string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE migration_jobs SET state = $2, updated_at = $3 WHERE id = $1`, jobID, state, micros(now))
	return affectedOne(res, err)
}

// FindMigrationJob returns the job with id, or iam.ErrNotFound.
func (db *DB) FindMigrationJob(ctx context.Context, id string) (*MigrationJob, error) {
	return scanJob(db.r.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM migration_jobs WHERE id = $1`, id))
}

// ClaimMigrationJob gives worker the oldest job that is pending, or running
// under a lease that has run out, until leaseUntil. It returns iam.ErrNotFound
// when there is none. Two workers never hold the same job: the claim is a
// compare-and-set on the lease.
func (db *DB) ClaimMigrationJob(ctx context.Context, worker string, now, leaseUntil time.Time) (*MigrationJob, error) {
	for range 3 {
		var id string
		err := db.w.QueryRowContext(ctx, `SELECT id FROM migration_jobs WHERE state IN ('pending', 'running') AND lease_until < $1
			ORDER BY created_at, id LIMIT 1`, micros(now)).Scan(&id)
		if err != nil {
			return nil, mapErr(err)
		}
		res, err := db.w.ExecContext(ctx, `UPDATE migration_jobs SET state = 'running', worker = $2, lease_until = $3, updated_at = $4
			WHERE id = $1 AND state IN ('pending', 'running') AND lease_until < $4`, id, worker, micros(leaseUntil), micros(now))
		if err := affectedOne(res, err); errors.Is(err, iam.ErrNotFound) {
			continue // another worker took it first
		} else if err != nil {
			return nil, err
		}
		return db.FindMigrationJob(ctx, id)
	}
	return nil, iam.ErrNotFound
}

// FindMigrationRows returns up to limit waiting rows of a job from index from on.
func (tx *Tx) FindMigrationRows(ctx context.Context, jobID string, from, limit int) ([]MigrationRow, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT idx, payload FROM migration_rows WHERE job_id = $1 AND idx >= $2
		ORDER BY idx LIMIT $3`, jobID, from, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MigrationRow
	for rows.Next() {
		var r MigrationRow
		if err := rows.Scan(&r.Index, &r.Payload); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordMigrationBatch writes the results of a batch, deletes its rows, moves
// the job to nextIndex, adds unstaged to its total (rows that were migrated
// without being staged, as `hatch import` does) and renews worker's lease. It
// returns ErrLeaseLost when worker no longer holds the job, so the caller's
// transaction rolls back.
func (tx *Tx) RecordMigrationBatch(ctx context.Context, jobID, worker string, results []MigrationResult, nextIndex, unstaged int,
	now, leaseUntil time.Time) error {
	failed := 0
	for _, r := range results {
		if r.Reason != "" {
			failed++
		}
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE migration_jobs SET migrated = migrated + $3, failed = failed + $4, next_index = $5,
		lease_until = $6, updated_at = $7, total = total + $8 WHERE id = $1 AND worker = $2 AND state = 'running'`,
		jobID, worker, len(results)-failed, failed, nextIndex, micros(leaseUntil), micros(now), unstaged)
	if err := affectedOne(res, err); errors.Is(err, iam.ErrNotFound) {
		return ErrLeaseLost
	} else if err != nil {
		return err
	}
	if err := insertRows(ctx, tx, "migration_results", []string{"job_id", "idx", "item", "ref_id", "reason"}, len(results),
		func(i int) []any { r := results[i]; return []any{jobID, r.Index, r.Item, r.RefID, r.Reason} }, ""); err != nil {
		return fmt.Errorf("record migration results: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `DELETE FROM migration_rows WHERE job_id = $1 AND idx < $2`, jobID, nextIndex)
	return err
}

// FinishMigrationJob marks the job completed (or failed, with errMsg) if
// worker still holds it.
func (db *DB) FinishMigrationJob(ctx context.Context, jobID, worker, state, errMsg string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE migration_jobs SET state = $3, error = $4, lease_until = 0, updated_at = $5, finished_at = $5
		WHERE id = $1 AND worker = $2`, jobID, worker, state, errMsg, micros(now))
	if err := affectedOne(res, err); errors.Is(err, iam.ErrNotFound) {
		return ErrLeaseLost
	} else if err != nil {
		return err
	}
	return nil
}

// FindMigrationFailures returns up to limit failed rows of a job, in row order.
func (db *DB) FindMigrationFailures(ctx context.Context, jobID string, limit int) ([]MigrationResult, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT idx, item, ref_id, reason FROM migration_results
		WHERE job_id = $1 AND reason <> '' ORDER BY idx LIMIT $2`, jobID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MigrationResult
	for rows.Next() {
		var r MigrationResult
		if err := rows.Scan(&r.Index, &r.Item, &r.RefID, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// insertRows inserts n rows into table in multi-row statements, with
// row(i) giving the values of row i, and suffix (an ON CONFLICT clause, say)
// after each statement. Both dialects cap the placeholders of one statement,
// so rows go in chunks.
func insertRows(ctx context.Context, tx *Tx, table string, columns []string, n int, row func(i int) []any, suffix string) error {
	per := rowsPerStatement(tx.Dialect, len(columns))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		query, args := multiInsert(table, columns, start, end, row)
		if _, err := tx.tx.ExecContext(ctx, query+suffix, args...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// multiInsert builds one INSERT of rows [start, end).
func multiInsert(table string, columns []string, start, end int, row func(i int) []any) (string, []any) {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	args := make([]any, 0, (end-start)*len(columns))
	for i := start; i < end; i++ {
		if i > start {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(len(args)+1, len(columns)) + ")")
		args = append(args, row(i)...)
	}
	return b.String(), args
}

// rowsPerStatement is how many rows of columns one multi-row statement
// carries. On PostgreSQL about 7,500 placeholders (far below its 65,535),
// enough that round trips stop mattering. SQLite has no round trips but
// resolves each $N placeholder by a linear search, so a statement's cost
// grows with the square of its placeholders: a few hundred is fastest there.
func rowsPerStatement(d Dialect, columns int) int {
	if d == SQLite {
		return max(1, 200/columns)
	}
	return max(1, 7500/columns)
}
