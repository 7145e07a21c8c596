package audit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

func TestRecorder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		r := &audit.Recorder{DB: db, Now: func() time.Time { return now }}
		ctx := api.WithPrincipal(t.Context(), &iam.Principal{Kind: iam.CallerUser, UserID: "u1", Email: "ada@example.com", TenantID: "t1"})

		// The caller fills in the actor and account; defaults fill the rest.
		if err := r.Record(ctx, audit.Event{Action: audit.ActionSettingsChanged, Data: map[string]any{"k": 1}}); err != nil {
			t.Fatal(err)
		}
		// Inside a transaction, the entry shares its fate.
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := r.RecordTx(ctx, tx, audit.Event{Action: "rolled back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return r.RecordTx(ctx, tx, audit.Event{Action: "committed", TenantID: "t2", ActorID: "someone", Severity: audit.High, Outcome: audit.Failure})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Record(ctx, audit.Event{}); err == nil {
			t.Fatal("an event without action was recorded")
		}

		got, total, err := db.FindAuditEvents(ctx, store.AuditFilter{Page: store.Page{SortBy: "action"}})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || got[0].Action != audit.ActionSettingsChanged || got[1].Action != "committed" {
			t.Fatalf("entries %d: %+v", total, got)
		}
		e := got[0]
		if e.TenantID != "t1" || e.ActorID != "u1" || e.ActorType != audit.ActorUser || e.ActorEmail != "ada@example.com" ||
			e.Severity != audit.Info || e.Outcome != audit.Success || e.Data != `{"k":1}` || !e.CreatedAt.Equal(now) {
			t.Errorf("defaults: %+v", e)
		}
		if c := got[1]; c.TenantID != "t2" || c.ActorID != "someone" || c.Severity != audit.High || c.Outcome != audit.Failure || c.Data != "{}" {
			t.Errorf("explicit fields: %+v", c)
		}

		var nilRecorder *audit.Recorder
		if err := nilRecorder.Record(ctx, audit.Event{Action: "x"}); err != nil {
			t.Fatal(err)
		}
	})
}
