package migration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Worker runs bulk migration jobs. Every node runs one: a job is claimed with
// a lease, migrated a batch per transaction (the batch's users, its results,
// the deletion of its rows and the job's progress commit together), and the
// lease is renewed with each batch. A node that stops leaves its job to the
// next worker that finds the lease run out, which resumes at the first row
// not yet migrated.
type Worker struct {
	Migrator  *Migrator
	Log       *slog.Logger
	ID        string        // this worker's name in the job's lease; a random one when empty
	Lease     time.Duration // how long a claim holds without renewal; one minute when zero
	Poll      time.Duration // how often to look for jobs of other nodes; one second when zero
	BatchSize int           // rows per transaction; 1,000 when zero

	wake chan struct{}
}

func (w *Worker) init() {
	if w.ID == "" {
		w.ID = uuid.NewString()
	}
	if w.Lease == 0 {
		w.Lease = time.Minute
	}
	if w.Poll == 0 {
		w.Poll = time.Second
	}
	if w.BatchSize == 0 {
		w.BatchSize = 1000
	}
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
}

// NewWorker returns a worker with its defaults set.
func NewWorker(m *Migrator, log *slog.Logger) *Worker {
	w := &Worker{Migrator: m, Log: log}
	w.init()
	return w
}

// Wake makes Run look for jobs now rather than at its next poll.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(w.Poll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			ran, err := w.RunOne(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("migration job", "worker", w.ID, "err", err)
			}
			if !ran || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.wake:
		}
	}
}

// RunOne claims one job and runs it to its end. It reports false when no job
// was waiting.
func (w *Worker) RunOne(ctx context.Context) (bool, error) {
	now := w.Migrator.Now()
	job, err := w.Migrator.DB.ClaimMigrationJob(ctx, w.ID, now, now.Add(w.Lease))
	if errors.Is(err, iam.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, w.runJob(ctx, job)
}

// runJob migrates a claimed job's rows, batch by batch, then marks it done. A
// database failure stops it with the lease held until it runs out, so that a
// worker retries later from the last committed batch.
func (w *Worker) runJob(ctx context.Context, job *store.MigrationJob) error {
	next := job.NextIndex
	for {
		var n int
		err := w.Migrator.DB.InTx(ctx, func(tx *store.Tx) error {
			rows, err := tx.FindMigrationRows(ctx, job.ID, next, w.BatchSize)
			if err != nil || len(rows) == 0 {
				return err
			}
			n = len(rows)
			outcomes, err := w.Migrator.migrate(ctx, tx, job, rows)
			if err != nil {
				return err
			}
			next = rows[len(rows)-1].Index + 1
			now := w.Migrator.Now()
			return tx.RecordMigrationBatch(ctx, job.ID, w.ID, results(outcomes), next, 0, now, now.Add(w.Lease))
		})
		if err != nil {
			return fmt.Errorf("job %s: %w", job.ID, err)
		}
		if n == 0 {
			return w.Migrator.DB.FinishMigrationJob(ctx, job.ID, w.ID, store.JobCompleted, "", w.Migrator.Now())
		}
	}
}

// migrate runs one batch of a job of either kind.
func (m *Migrator) migrate(ctx context.Context, tx *store.Tx, job *store.MigrationJob, rows []store.MigrationRow) ([]outcome, error) {
	if job.Kind == KindTenants {
		return m.migrateTenants(ctx, tx, rows)
	}
	return m.migrateUsers(ctx, tx, job.ID, "", rows)
}

func results(outcomes []outcome) []store.MigrationResult {
	out := make([]store.MigrationResult, len(outcomes))
	for i, o := range outcomes {
		out[i] = o.result
	}
	return out
}
