package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Schedule is how an outbox worker polls and retries. Zero fields take their defaults.
type Schedule struct {
	Interval    time.Duration // how often the outbox is polled; default 1s
	Batch       int           // messages claimed at a time; default 20
	MaxAttempts int           // attempts before a message is marked failed; default 8
	Backoff     time.Duration // delay before the first retry, doubling after each; default 30s
	MaxBackoff  time.Duration // longest delay between attempts; default 1h
	// Lease is how long a claimed message is reserved for this worker. It
	// must exceed the transport's timeout; default 5m.
	Lease time.Duration
}

func (s *Schedule) fill() {
	if s.Interval <= 0 {
		s.Interval = time.Second
	}
	if s.Batch <= 0 {
		s.Batch = 20
	}
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 8
	}
	if s.Backoff <= 0 {
		s.Backoff = 30 * time.Second
	}
	if s.MaxBackoff <= 0 {
		s.MaxBackoff = time.Hour
	}
	if s.Lease <= 0 {
		s.Lease = 5 * time.Minute
	}
}

// backoff returns the delay after the attempt-th failed attempt: Backoff,
// doubling each time, at most MaxBackoff.
func (s *Schedule) backoff(attempt int) time.Duration {
	d := s.Backoff
	for i := 1; i < attempt && d < s.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.MaxBackoff)
}

// loop is the part of an outbox worker that waits: on a ticker, or for a wake-up.
type loop struct {
	once  sync.Once
	wake  chan struct{}
	state atomic.Int32 // 0 before the first poll, then configured or unconfigured
	stats struct{ sent, retried, failed atomic.Int64 }
}

func (l *loop) init() { l.once.Do(func() { l.wake = make(chan struct{}, 1) }) }

// Wake makes a running worker poll now rather than at its next tick. It
// never blocks.
func (l *loop) Wake() {
	l.init()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run calls sendDue every interval, and whenever woken, until ctx ends.
func (l *loop) run(ctx context.Context, log *slog.Logger, interval time.Duration, sendDue func(context.Context) (int, error)) {
	l.init()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := sendDue(ctx); err != nil && ctx.Err() == nil {
			log.Warn("outbox: poll", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-l.wake:
		}
	}
}

const (
	configured   = 1
	unconfigured = 2
)

// configure records whether the channel has a transport, saying missing in
// the log at level when it first finds none.
func (l *loop) configure(log *slog.Logger, ok bool, level slog.Level, missing string) {
	state := int32(unconfigured)
	if ok {
		state = configured
	}
	if l.state.Swap(state) != state && !ok {
		log.Log(context.Background(), level, missing)
	}
}

func (l *loop) outcomes() map[string]float64 {
	return map[string]float64{
		"sent":    float64(l.stats.sent.Load()),
		"retried": float64(l.stats.retried.Load()),
		"failed":  float64(l.stats.failed.Load()),
	}
}

func (l *loop) configuredGauge() map[string]float64 {
	if l.state.Load() == configured {
		return map[string]float64{"": 1}
	}
	return map[string]float64{"": 0}
}

// Sender delivers one email. An error for which mail.IsPermanent is true
// ends the message's attempts; any other error is retried.
type Sender interface {
	Send(ctx context.Context, m *mail.Message) error
}

// Worker delivers the outbox's email: it claims due messages, sends them,
// and records each outcome, retrying temporary failures with exponential
// backoff until MaxAttempts. Any number of nodes may run one against the
// same database; a claim leases a message to one of them.
//
// Email is delivered at least once: if a node dies between the server's
// acceptance and recording it, the message goes again after its lease, with
// the same Message-ID, so receivers can drop the copy.
//
// The mail server is read from the Email configuration at every poll that
// finds mail to send, so a change takes effect at once on every node; while
// none is configured, Sender (HATCH_SMTP_URL) is used.
type Worker struct {
	DB     *store.DB
	Sender Sender         // default server; nil: email waits in the outbox until one is configured
	Sealer *secure.Sealer // opens the configured server's password
	From   string         // sender address for messages queued without one, when the configuration names none
	Log    *slog.Logger
	Now    func() time.Time
	Schedule
	loop
}

// Run sends due email every Interval, and whenever woken, until ctx ends.
// Without a mail server, messages stay pending, not dropped, and go out once
// one is configured.
func (w *Worker) Run(ctx context.Context) {
	w.Schedule.fill()
	w.loop.run(ctx, w.Log, w.Interval, w.SendDue)
}

// SendDue claims and sends every email due now, batch after batch, and
// returns how many it attempted. It returns an error only when the outbox
// or the configuration cannot be read; delivery failures are recorded on
// the messages.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	w.Schedule.fill()
	sender, from, err := w.transport(ctx)
	if err != nil {
		return 0, err
	}
	w.configure(w.Log, sender != nil, slog.LevelWarn, "no mail server configured (HATCH_SMTP_URL or the Email configuration API): email stays queued in the outbox")
	if sender == nil {
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
			w.deliver(ctx, sender, from, m, now)
		}
		total += len(batch)
		if len(batch) < w.Batch {
			break
		}
	}
	return total, nil
}

// transport returns the server and default sender address to use now: the
// configured ones, else Sender and From.
func (w *Worker) transport(ctx context.Context) (Sender, string, error) {
	cfg, err := LoadMailConfig(ctx, w.DB)
	switch {
	case errors.Is(err, iam.ErrNotFound):
		return w.Sender, w.From, nil
	case err != nil:
		return nil, "", err
	}
	sender, err := cfg.Sender(w.Sealer)
	if err != nil {
		return nil, "", err
	}
	from := cfg.From()
	if from == "" {
		from = w.From
	}
	return sender, from, nil
}

// deliver sends one message claimed at claimedAt and records the outcome; a
// retry is due a backoff after the claim. The outcome is recorded even when
// ctx has just ended, so a message that went out is not sent again after a
// shutdown.
func (w *Worker) deliver(ctx context.Context, sender Sender, defaultFrom string, m *store.Message, claimedAt time.Time) {
	from := m.Sender
	if from == "" {
		from = defaultFrom
	}
	err := sender.Send(ctx, &mail.Message{
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
	w.loop.recordFailure(rctx, w.DB, w.Log, &w.Schedule, m, claimedAt, err, mail.IsPermanent(err) || m.Attempts >= w.MaxAttempts, "email")
}

// recordFailure records a failed attempt of m, retried a backoff after
// claimedAt unless final. The loop's counters and the log say which.
func (l *loop) recordFailure(ctx context.Context, db *store.DB, log *slog.Logger, s *Schedule, m *store.Message, claimedAt time.Time, err error, final bool, what string) {
	retryAt := claimedAt.Add(s.backoff(m.Attempts))
	if final {
		l.stats.failed.Add(1)
		log.Error("outbox: "+what+" failed for good", "id", m.ID, "template", m.Template, "attempts", m.Attempts, "err", err)
	} else {
		l.stats.retried.Add(1)
		log.Warn("outbox: "+what+" failed, will retry", "id", m.ID, "template", m.Template, "attempts", m.Attempts,
			"retry_at", retryAt, "err", err)
	}
	if err := db.MarkMessageFailed(ctx, m.ID, truncate(err.Error(), 1000), retryAt, final); err != nil {
		log.Error("outbox: record failed message", "id", m.ID, "err", err)
	}
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
// database at scrape time), this node's email delivery outcomes since it
// started, and whether a mail server was configured at the last poll.
func (w *Worker) Register(m *api.Metrics) {
	if w.Sender != nil {
		w.state.CompareAndSwap(0, configured)
	}
	m.Gauge("hatch_outbox_messages", "Outbox messages (email and SMS) by status.", "status", func() map[string]float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		counts, err := w.DB.CountMessages(ctx)
		if err != nil {
			w.Log.Warn("outbox: count messages", "err", err)
			return nil
		}
		out := map[string]float64{store.MessagePending: 0, store.MessageSending: 0, store.MessageSent: 0, store.MessageFailed: 0}
		for status, n := range counts {
			out[status] = float64(n)
		}
		return out
	})
	m.Gauge("hatch_outbox_deliveries", "Email delivery attempts by this node since it started, by outcome.", "outcome", w.outcomes)
	m.Gauge("hatch_outbox_sender_configured", "1 when a mail server is configured, else 0 (email waits in the outbox).", "", w.configuredGauge)
}
