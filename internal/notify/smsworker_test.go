package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms/smstest"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

type smsFixture struct {
	db       *store.DB
	clock    *clock
	twilio   *smstest.Server
	worker   *notify.SMSWorker
	notifier *notify.Notifier
	sealer   *secure.Sealer
}

func newSMSFixture(t *testing.T, db *store.DB) *smsFixture {
	sealer, err := secure.NewSealer(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	twilio := smstest.Start(t, "AC0123456789abcdef0123456789abcdef", "auth-token")
	w := &notify.SMSWorker{DB: db, Sealer: sealer, BaseURL: twilio.URL, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: c.Now,
		Schedule: notify.Schedule{Interval: time.Hour, MaxAttempts: 3, Backoff: time.Minute, MaxBackoff: 10 * time.Minute}}
	return &smsFixture{db: db, clock: c, twilio: twilio, worker: w, sealer: sealer,
		notifier: &notify.Notifier{DB: db, BaseURL: "http://hatch.test", Now: c.Now, WakeSMS: w.Wake}}
}

// configure makes the fake Twilio the environment's provider.
func (f *smsFixture) configure(t *testing.T) {
	t.Helper()
	c := &notify.SMSConfig{Provider: "twilio", AccountID: f.twilio.AccountSID, SenderName: "+15005550006", Channel: "sms"}
	c.SealToken(f.sealer, f.twilio.AuthToken)
	if err := f.db.SaveSetting(context.Background(), "", notify.SMSConfigName, c, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// queue enqueues one SMS to to, as Notifier.SMS would, and returns its outbox id.
func (f *smsFixture) queue(t *testing.T, to string) string {
	t.Helper()
	id := uuid.NewString()
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.Enqueue(context.Background(), &store.Message{ID: id, Channel: store.ChannelSMS, Recipient: to,
			BodyText: "123456 is your code", Template: string(notify.VerifyPhoneNumber), CreatedAt: f.clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *smsFixture) message(t *testing.T, id string) *store.Message {
	t.Helper()
	m, err := f.db.FindMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *smsFixture) sendDue(t *testing.T, want int) {
	t.Helper()
	sendDue(t, f.worker, want)
}

func TestSMSWorkerDelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		f.configure(t)
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return f.notifier.SMS(ctx, tx, notify.VerifyPhoneNumber, "+14155550100", notify.Vars{Code: "424242", ExpiresInMinutes: 10})
		})
		if err != nil {
			t.Fatal(err)
		}
		f.sendDue(t, 1)
		got := f.twilio.WaitFor(t, "+14155550100", 5*time.Second)
		if got.Body != "424242 is your code to verify this phone number. It expires in 10 minutes." || got.From != "+15005550006" {
			t.Fatalf("got %+v", got)
		}
		f.sendDue(t, 0)
		id := f.queue(t, "+14155550101")
		f.sendDue(t, 1)
		sent := f.twilio.WaitFor(t, "+14155550101", 5*time.Second)
		if m := f.message(t, id); m.Status != store.MessageSent || m.ProviderMessageID != sent.SID || m.Attempts != 1 || m.SentAt == nil {
			t.Fatalf("after delivery: %+v (sid %s)", m, sent.SID)
		}
	})
}

func TestSMSWorkerWaitsForAProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		id := f.queue(t, "+14155550100")
		f.sendDue(t, 0)
		if m := f.message(t, id); m.Status != store.MessagePending || m.Attempts != 0 {
			t.Fatalf("without a provider: %+v", m)
		}
		f.configure(t)
		f.sendDue(t, 1)
		f.twilio.WaitFor(t, "+14155550100", 5*time.Second)
	})
}

func TestSMSWorkerRetriesOnlyWhatWasNotSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		f.configure(t)

		// 429: Twilio did not take it, so a retry cannot duplicate it.
		f.twilio.FailNext(1, http.StatusTooManyRequests)
		slow := f.queue(t, "+14155550100")
		f.sendDue(t, 1)
		if m := f.message(t, slow); m.Status != store.MessagePending || !m.NextAttemptAt.Equal(f.clock.Now().Add(time.Minute)) {
			t.Fatalf("after a 429: %+v", m)
		}
		f.clock.Advance(time.Minute)
		f.sendDue(t, 1)
		f.twilio.WaitFor(t, "+14155550100", 5*time.Second)

		// 500: the outcome is unknown; at most once means not again.
		f.twilio.FailNext(1, http.StatusInternalServerError)
		unknown := f.queue(t, "+14155550101")
		f.sendDue(t, 1)
		if m := f.message(t, unknown); m.Status != store.MessageFailed || !strings.Contains(m.LastError, "500") {
			t.Fatalf("after a 500: %+v", m)
		}

		// 400: the provider refused the message itself.
		f.twilio.FailNext(1, http.StatusBadRequest)
		refused := f.queue(t, "+14155550102")
		f.sendDue(t, 1)
		if m := f.message(t, refused); m.Status != store.MessageFailed {
			t.Fatalf("after a 400: %+v", m)
		}
		f.clock.Advance(time.Hour)
		f.sendDue(t, 0)
		if n := len(f.twilio.Messages()); n != 1 {
			t.Fatalf("provider took %d messages, want 1", n)
		}
	})
}

func TestSMSWorkerNeverResendsAnAbandonedMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		f.configure(t)
		id := f.queue(t, "+14155550100")
		// A node claims the message and dies before recording the outcome.
		now := f.clock.Now()
		claimed, err := db.ClaimMessagesAtMostOnce(context.Background(), store.ChannelSMS, now, now.Add(5*time.Minute), 10)
		if err != nil || len(claimed) != 1 {
			t.Fatal(claimed, err)
		}
		f.sendDue(t, 0) // still leased: nobody touches it
		if m := f.message(t, id); m.Status != store.MessageSending {
			t.Fatalf("while leased: %+v", m)
		}
		f.clock.Advance(5 * time.Minute)
		f.sendDue(t, 0)
		m := f.message(t, id)
		if m.Status != store.MessageFailed || !strings.Contains(m.LastError, "not sent again") {
			t.Fatalf("after the lease: %+v", m)
		}
		if n := f.twilio.Requests(); n != 0 {
			t.Fatalf("provider saw %d requests, want none", n)
		}
	})
}

func TestSMSWorkerInactiveTemplateSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		f.configure(t)
		ctx := context.Background()
		now := f.clock.Now()
		if err := db.SaveSMSTemplate(ctx, &store.SMSTemplate{Type: string(notify.VerifyPhoneNumber), Body: "x", Active: false,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return f.notifier.SMS(ctx, tx, notify.VerifyPhoneNumber, "+14155550100", notify.Vars{Code: "1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		f.sendDue(t, 0)
	})
}

func TestSMSWorkerMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSMSFixture(t, db)
		m := api.NewMetrics()
		f.worker.Register(m)
		f.configure(t)
		f.queue(t, "+14155550100")
		f.twilio.FailNext(1, http.StatusInternalServerError)
		f.queue(t, "+14155550101")
		f.sendDue(t, 2)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, want := range []string{`hatch_sms_deliveries{outcome="sent"} 1`, `hatch_sms_deliveries{outcome="failed"} 1`,
			"hatch_sms_provider_configured 1"} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %q:\n%s", want, rec.Body.String())
			}
		}
	})
}
