package migration

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// clock is a settable clock for leases.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestJobResumesOnAnotherWorker stops a worker after its first batch, as if
// its node died, and checks that another worker takes the job over only once
// the lease has run out, resumes after the committed batch, and migrates
// every row exactly once.
func TestJobResumesOnAnotherWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{now: time.Now().UTC()}
		if err := db.CreateTenant(ctx, &iam.Tenant{ID: "t", TenantID: "t", Name: "T", Metadata: "{}", CreatedAt: clk.Now(), UpdatedAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
		sealer, _ := secure.NewSealer(bytes.Repeat([]byte{3}, 32))
		m := &Migrator{DB: db, Sealer: sealer, Now: clk.Now}
		payloads := make([]string, 25)
		for i := range payloads {
			payloads[i] = fmt.Sprintf(`{"tenantId":"t","email":"u%d@example.com"}`, i)
		}
		payloads[7] = `{"tenantId":"t","email":"u1@example.com"}` // a duplicate: reported, not fatal
		id, err := m.Enqueue(ctx, KindUsers, payloads)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.DiscardHandler)
		a := &Worker{Migrator: m, Log: log, ID: "node-a", BatchSize: 10}
		a.init()
		job, err := db.ClaimMigrationJob(ctx, a.ID, clk.Now(), clk.Now().Add(a.Lease))
		if err != nil {
			t.Fatal(err)
		}
		// Node A migrates one batch, then dies: its context ends mid-job.
		stop, cancel := context.WithCancel(ctx)
		err = db.InTx(stop, func(tx *store.Tx) error {
			rows, err := tx.FindMigrationRows(stop, job.ID, 0, a.BatchSize)
			if err != nil {
				return err
			}
			out, err := m.migrate(stop, tx, job, rows)
			if err != nil {
				return err
			}
			return tx.RecordMigrationBatch(stop, job.ID, a.ID, results(out), 10, 0, clk.Now(), clk.Now().Add(a.Lease))
		})
		cancel()
		if err != nil {
			t.Fatal(err)
		}

		b := &Worker{Migrator: m, Log: log, ID: "node-b", BatchSize: 10}
		b.init()
		if ran, err := b.RunOne(ctx); ran || err != nil {
			t.Fatalf("node B took a job still leased: %v, %v", ran, err)
		}
		clk.Advance(2 * time.Minute)
		if ran, err := b.RunOne(ctx); !ran || err != nil {
			t.Fatalf("node B did not resume the job: %v, %v", ran, err)
		}
		got, err := db.FindMigrationJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != store.JobCompleted || got.Total != 25 || got.Migrated != 24 || got.Failed != 1 || got.Worker != "node-b" {
			t.Fatalf("job %+v", got)
		}
		// Node A, back from the dead, cannot write to the job any more.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.RecordMigrationBatch(ctx, job.ID, a.ID, nil, 25, 0, clk.Now(), clk.Now().Add(time.Minute))
		})
		if err != store.ErrLeaseLost {
			t.Fatalf("stale worker write: %v", err)
		}
		fails, _ := db.FindMigrationFailures(ctx, id, 10)
		if len(fails) != 1 || fails[0].Index != 7 {
			t.Fatalf("failures %+v", fails)
		}
		for i := range 25 {
			if _, err := db.FindUserByEmail(ctx, fmt.Sprintf("u%d@example.com", i)); (err == nil) != (i != 7) {
				t.Fatalf("user u%d: %v", i, err)
			}
		}
	})
}
