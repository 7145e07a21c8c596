package notify

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/store"
)

// Sender delivers one email. An error for which mail.IsPermanent is true
// ends the message's attempts; any other error is retried.
type Sender interface {
	Send(ctx context.Context, m *mail.Message) error
}

// Worker delivers the outbox's email: it claims due messages, sends them,
// and records each outcome, retrying temporary failures with exponential
// backoff until MaxAttempts. Any number of nodes may run one against the
// same database; a claim leases a message to one of them.
type Worker struct {
	DB     *store.DB
	Sender Sender // nil: no mail server is configured and email waits in the outbox
	From   string // sender address for messages queued without one
	Log    *slog.Logger
	Now    func() time.Time

	Interval    time.Duration // how often the outbox is polled; default 1s
	Batch       int           // messages claimed at a time; default 20
	MaxAttempts int           // attempts before a message is marked failed; default 8
	Backoff     time.Duration // delay before the first retry, doubling after each; default 30s
	MaxBackoff  time.Duration // longest delay between attempts; default 1h
	// Lease is how long a claimed message is reserved for this worker: if
	// the node dies mid-send, another sends it once the lease is over. It
	// must exceed the sender's timeout; default 5m.
	Lease time.Duration

	once  sync.Once
	wake  chan struct{}
	stats struct{ sent, retried, failed atomic.Int64 }
}

func (w *Worker) defaults() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Interval <= 0 {
			w.Interval = time.Second
		}
		if w.Batch <= 0 {
			w.Batch = 20
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 8
		}
		if w.Backoff <= 0 {
			w.Backoff = 30 * time.Second
		}
		if w.MaxBackoff <= 0 {
			w.MaxBackoff = time.Hour
		}
		if w.Lease <= 0 {
			w.Lease = 5 * time.Minute
		}
	})
}

// Wake makes a running worker poll now rather than at its next tick. It
// never blocks; Notifier.Wake is set to it.
func (w *Worker) Wake() {
	w.defaults()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends due email every Interval, and whenever woken, until ctx ends.
// Without a Sender it only says once that mail cannot be sent: messages stay
// pending, not dropped, and go out once a mail server is configured.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	if w.Sender == nil {
		w.Log.Warn("no mail server configured (HATCH_SMTP_URL): email stays queued in the outbox and is not sent")
		return
	}
	tick := time.NewTicker(w.Interval)
	defer tick.Stop()
	for {
		if _, err := w.SendDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("outbox: claim messages", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.wake:
		}
	}
}

// SendDue claims and sends every email due now, batch after batch, and
// returns how many it attempted. It returns an error only when the outbox
// cannot be read; delivery failures are recorded on the messages.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	w.defaults()
	if w.Sender == nil {
		return 0, nil
	}
	total := 0
	for ctx.Err() == nil {
		now := w.Now()
		batch, err := w.DB.ClaimMessages(ctx, store.ChannelEmail, now, now.Add(w.Lease), w.Batch)
		if err != nil {
			return total, err
		}
		for _, m := range batch {
			w.deliver(ctx, m, now)
		}
		total += len(batch)
		if len(batch) < w.Batch {
			break
		}
	}
	return total, nil
}

// deliver sends one message claimed at claimedAt and records the outcome; a
// retry is due a backoff after the claim. The outcome is recorded even when
// ctx has just ended, so a message that went out is not sent again after a
// shutdown.
func (w *Worker) deliver(ctx context.Context, m *store.Message, claimedAt time.Time) {
	from := m.Sender
	if from == "" {
		from = w.From
	}
	err := w.Sender.Send(ctx, &mail.Message{
		ID: m.ID, From: from, To: m.Recipient, Subject: m.Subject, Text: m.BodyText, HTML: m.BodyHTML, Date: m.CreatedAt,
	})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		w.stats.sent.Add(1)
		if err := w.DB.MarkMessageSent(rctx, m.ID, w.Now()); err != nil {
			// The lease runs out and the message goes again, with the same
			// Message-ID, so the receiver can drop the copy.
			w.Log.Warn("outbox: could not record a sent message; it will be sent again", "id", m.ID, "err", err)
		}
		return
	}
	final := mail.IsPermanent(err) || m.Attempts >= w.MaxAttempts
	retryAt := claimedAt.Add(w.backoff(m.Attempts))
	if final {
		w.stats.failed.Add(1)
		w.Log.Error("outbox: email failed for good", "id", m.ID, "template", m.Template, "attempts", m.Attempts, "err", err)
	} else {
		w.stats.retried.Add(1)
		w.Log.Warn("outbox: email failed, will retry", "id", m.ID, "template", m.Template, "attempts", m.Attempts,
			"retry_at", retryAt, "err", err)
	}
	if err := w.DB.MarkMessageFailed(rctx, m.ID, truncate(err.Error(), 1000), retryAt, final); err != nil {
		w.Log.Error("outbox: record failed message", "id", m.ID, "err", err)
	}
}

// backoff returns the delay after the attempt-th failed attempt: Backoff,
// doubling each time, at most MaxBackoff.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.Backoff
	for i := 1; i < attempt && d < w.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.MaxBackoff)
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Register adds the outbox gauges to m: messages by status (read from the
// database at scrape time), this node's delivery outcomes since it started,
// and whether a mail server is configured.
func (w *Worker) Register(m *api.Metrics) {
	m.Gauge("hatch_outbox_messages", "Outbox messages by status.", "status", func() map[string]float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		counts, err := w.DB.CountMessages(ctx)
		if err != nil {
			w.Log.Warn("outbox: count messages", "err", err)
			return nil
		}
		out := map[string]float64{store.MessagePending: 0, store.MessageSent: 0, store.MessageFailed: 0}
		for status, n := range counts {
			out[status] = float64(n)
		}
		return out
	})
	m.Gauge("hatch_outbox_deliveries", "Email delivery attempts by this node since it started, by outcome.", "outcome", func() map[string]float64 {
		return map[string]float64{
			"sent":    float64(w.stats.sent.Load()),
			"retried": float64(w.stats.retried.Load()),
			"failed":  float64(w.stats.failed.Load()),
		}
	})
	m.Gauge("hatch_outbox_sender_configured", "1 when a mail server is configured, else 0 (email waits in the outbox).", "", func() map[string]float64 {
		if w.Sender == nil {
			return map[string]float64{"": 0}
		}
		return map[string]float64{"": 1}
	})
}
