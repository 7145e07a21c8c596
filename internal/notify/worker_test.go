package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/mail/mailtest"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	db       *store.DB
	clock    *clock
	mail     *mailtest.Server
	worker   *notify.Worker
	notifier *notify.Notifier
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	ms := mailtest.Start(t, mailtest.Options{})
	sender, err := mail.Parse(ms.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	w := &notify.Worker{DB: db, Sender: sender, From: "hatch@example.test", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: c.Now, Schedule: notify.Schedule{Interval: time.Hour, MaxAttempts: 3, Backoff: time.Minute, MaxBackoff: 10 * time.Minute}}
	n := &notify.Notifier{DB: db, BaseURL: "http://hatch.test", Now: c.Now, Wake: w.Wake}
	return &fixture{db: db, clock: c, mail: ms, worker: w, notifier: n}
}

// queue enqueues one email to to, as Notifier.Email would, and returns its outbox id.
func (f *fixture) queue(t *testing.T, to string) string {
	t.Helper()
	id := uuid.NewString()
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.Enqueue(context.Background(), &store.Message{ID: id, Channel: store.ChannelEmail, Recipient: to,
			Subject: "Reset your password", BodyText: "Reset: http://hatch.test/x", BodyHTML: "<p>Reset</p>",
			Template: string(notify.ResetPassword), CreatedAt: f.clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) sendDue(t *testing.T, want int) {
	t.Helper()
	sendDue(t, f.worker, want)
}

// sendDue runs one SendDue of w and fails the test unless it attempted want messages.
func sendDue(t *testing.T, w interface {
	SendDue(context.Context) (int, error)
}, want int) {
	t.Helper()
	n, err := w.SendDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("SendDue attempted %d messages, want %d", n, want)
	}
}

func (f *fixture) message(t *testing.T, id string) *store.Message {
	t.Helper()
	m, err := f.db.FindMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWorkerDelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.queue(t, "ada@example.com")
		f.sendDue(t, 1)
		got := f.mail.WaitFor(t, "ada@example.com", 5*time.Second)
		if got.Subject != "Reset your password" || !strings.Contains(got.Text, "http://hatch.test/x") || got.From != "hatch@example.test" ||
			got.HTML != "<p>Reset</p>" {
			t.Fatalf("got %+v", got)
		}
		if !strings.HasPrefix(got.MessageID, "<"+id+"@") {
			t.Fatalf("Message-ID %q does not derive from outbox id %s", got.MessageID, id)
		}
		m := f.message(t, id)
		if m.Status != store.MessageSent || m.Attempts != 1 || m.SentAt == nil {
			t.Fatalf("after delivery: %+v", m)
		}
		f.sendDue(t, 0)
	})
}

func TestWorkerRetriesTemporaryFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.mail.FailNext(1)
		id := f.queue(t, "ada@example.com")
		f.sendDue(t, 1)
		m := f.message(t, id)
		if m.Status != store.MessagePending || m.Attempts != 1 || !strings.Contains(m.LastError, "451") ||
			!m.NextAttemptAt.Equal(f.clock.Now().Add(time.Minute)) {
			t.Fatalf("after a 451: %+v", m)
		}
		f.sendDue(t, 0) // not due before the backoff is over
		f.clock.Advance(time.Minute)
		f.sendDue(t, 1)
		f.mail.WaitFor(t, "ada@example.com", 5*time.Second)
		if m := f.message(t, id); m.Status != store.MessageSent || m.Attempts != 2 || m.LastError != "" {
			t.Fatalf("after retry: %+v", m)
		}
	})
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.mail.FailNext(100)
		id := f.queue(t, "ada@example.com")
		for i, wait := range []time.Duration{time.Minute, 2 * time.Minute, 0} {
			f.sendDue(t, 1)
			m := f.message(t, id)
			if m.Attempts != i+1 {
				t.Fatalf("attempt %d: %+v", i+1, m)
			}
			if wait > 0 && !m.NextAttemptAt.Equal(f.clock.Now().Add(wait)) {
				t.Fatalf("attempt %d: next attempt %s, want backoff %s", i+1, m.NextAttemptAt, wait)
			}
			f.clock.Advance(wait)
		}
		if m := f.message(t, id); m.Status != store.MessageFailed {
			t.Fatalf("after %d attempts: %+v", m.Attempts, m)
		}
		f.clock.Advance(time.Hour)
		f.sendDue(t, 0)
		if got := f.mail.Attempts(); got != 3 {
			t.Fatalf("server saw %d attempts, want 3", got)
		}
	})
}

func TestWorkerPermanentFailureEndsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.mail.RejectNext(1)
		id := f.queue(t, "ada@example.com")
		f.sendDue(t, 1)
		if m := f.message(t, id); m.Status != store.MessageFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "554") {
			t.Fatalf("after a 554: %+v", m)
		}
	})
}

func TestWorkerWokenByCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db) // Interval is an hour: only Wake can explain a prompt delivery
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { f.worker.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		// The first message may go out in the worker's first pass; the
		// second comes after that pass, so only Wake explains its delivery.
		for _, to := range []string{"first@example.com", "ada@example.com"} {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return f.notifier.Email(ctx, tx, notify.ResetPassword, to, notify.Vars{Name: "Ada", Link: "http://hatch.test/x"})
			})
			if err != nil {
				t.Fatal(err)
			}
			got := f.mail.WaitFor(t, to, 5*time.Second)
			if got.Subject != "Reset your password" || !strings.Contains(got.Text, "Hello Ada,") || got.From != "hatch@example.test" {
				t.Fatalf("got %+v", got)
			}
		}
	})
}

func TestWorkerWithoutSenderKeepsMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.worker.Sender = nil
		id := f.queue(t, "ada@example.com")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		f.worker.Run(ctx) // polls, finds nothing to send with, and keeps the mail
		f.sendDue(t, 0)
		if m := f.message(t, id); m.Status != store.MessagePending || m.Attempts != 0 {
			t.Fatalf("without a sender: %+v", m)
		}
	})
}

func TestWorkerLeavesSMSAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.Enqueue(context.Background(), &store.Message{ID: "sms-1", Channel: store.ChannelSMS, Recipient: "+15550100",
				BodyText: "123456", CreatedAt: f.clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		f.sendDue(t, 0)
		if m := f.message(t, "sms-1"); m.Attempts != 0 {
			t.Fatalf("email worker touched an SMS: %+v", m)
		}
	})
}

func TestWorkerMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := api.NewMetrics()
		f.worker.Register(m)
		f.queue(t, "ada@example.com")
		f.mail.FailNext(1)
		f.queue(t, "bob@example.com")
		f.sendDue(t, 2)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		for _, want := range []string{
			`hatch_outbox_messages{status="pending"} 1`,
			`hatch_outbox_messages{status="sent"} 1`,
			`hatch_outbox_messages{status="failed"} 0`,
			`hatch_outbox_deliveries{outcome="retried"} 1`,
			`hatch_outbox_deliveries{outcome="sent"} 1`,
			"hatch_outbox_sender_configured 1",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q:\n%s", want, body)
			}
		}
	})
}

func TestWorkerFollowsTheMailConfiguration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sealer, err := secure.NewSealer(bytes.Repeat([]byte{3}, 32))
		if err != nil {
			t.Fatal(err)
		}
		f.worker.Sealer = sealer
		other := mailtest.Start(t, mailtest.Options{Username: "relay", Password: "p@ss"})
		host, port, _ := net.SplitHostPort(other.Addr)
		cfg := &notify.MailConfig{Provider: "smtp", Host: host, Username: "relay", SenderEmail: "team@app.test", FromName: "App Team"}
		cfg.Port, _ = strconv.Atoi(port)
		cfg.SealPassword(sealer, "p@ss")
		if err := db.SaveSetting(context.Background(), "", notify.MailConfigName, cfg, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.queue(t, "ada@example.com")
		f.sendDue(t, 1)
		got := other.WaitFor(t, "ada@example.com", 5*time.Second)
		if got.From != "team@app.test" || got.Header.Get("From") != `"App Team" <team@app.test>` {
			t.Fatalf("from %q, header %q", got.From, got.Header.Get("From"))
		}
		if n := len(f.mail.Messages()); n != 0 {
			t.Fatalf("default server got %d messages", n)
		}
		if err := db.DeleteSetting(context.Background(), "", notify.MailConfigName); err != nil {
			t.Fatal(err)
		}
		f.queue(t, "bob@example.com")
		f.sendDue(t, 1)
		if got := f.mail.WaitFor(t, "bob@example.com", 5*time.Second); got.From != "hatch@example.test" {
			t.Fatalf("after deleting the configuration: from %q", got.From)
		}
	})
}
