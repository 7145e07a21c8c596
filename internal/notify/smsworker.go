package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms"
	"github.com/hatchid/hatch/internal/store"
)

// abandonedSMS is recorded on an SMS whose node stopped mid-send.
const abandonedSMS = "delivery outcome unknown: the node sending it stopped; not sent again, so it cannot arrive twice"

// SMSWorker delivers the outbox's SMS through the configured provider
// (Twilio). Any number of nodes may run one.
//
// SMS is delivered at most once, because Twilio has no way to drop a
// repeated request and a text cannot be recalled: a message is marked
// "sending" when claimed and is retried only after a failure that proves the
// provider never took it (it could not be reached, or answered 429). A
// failure with an unknown outcome (a timeout, a 5xx, a lost answer) and a
// message left "sending" by a node that stopped end as failed, never resent.
// A delivered message records the provider's message SID.
//
// The provider configuration is read at every poll, so a change takes effect
// at once on every node; without one, SMS wait in the outbox.
type SMSWorker struct {
	DB      *store.DB
	Sealer  *secure.Sealer // opens the configured auth token
	BaseURL string         // Twilio's API (HATCH_TWILIO_API_URL); sms.DefaultBaseURL when empty
	Client  *http.Client   // nil: the sms package's default
	Log     *slog.Logger
	Now     func() time.Time
	Schedule
	loop
}

// Run sends due SMS every Interval, and whenever woken, until ctx ends.
func (w *SMSWorker) Run(ctx context.Context) {
	w.Schedule.fill()
	w.loop.run(ctx, w.Log, w.Interval, w.SendDue)
}

// SendDue ends abandoned messages, then claims and sends every SMS due now,
// and returns how many it attempted. It returns an error only when the
// outbox or the configuration cannot be read.
func (w *SMSWorker) SendDue(ctx context.Context) (int, error) {
	w.Schedule.fill()
	abandoned, err := w.DB.FailAbandonedMessages(ctx, store.ChannelSMS, abandonedSMS, w.Now())
	if err != nil {
		return 0, err
	}
	for _, id := range abandoned {
		w.stats.failed.Add(1)
		w.Log.Error("outbox: SMS abandoned mid-send, not sent again", "id", id)
	}
	cfg, err := LoadSMSConfig(ctx, w.DB)
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return 0, err
	}
	// Many environments never send SMS: their absence is news, not a warning.
	w.configure(w.Log, cfg != nil, slog.LevelInfo, "no SMS provider configured (the SMS configuration API): SMS stay queued in the outbox")
	if cfg == nil {
		return 0, nil
	}
	sender, err := cfg.Sender(w.Sealer, w.BaseURL, w.Client)
	if err != nil {
		return 0, err
	}
	total := 0
	for ctx.Err() == nil {
		now := w.Now()
		batch, err := w.DB.ClaimMessagesAtMostOnce(ctx, store.ChannelSMS, now, now.Add(w.Lease), w.Batch)
		if err != nil {
			return total, err
		}
		for _, m := range batch {
			w.deliver(ctx, sender, m, now)
		}
		total += len(batch)
		if len(batch) < w.Batch {
			break
		}
	}
	return total, nil
}

// deliver sends one claimed message and records the outcome, even when ctx
// has just ended.
func (w *SMSWorker) deliver(ctx context.Context, sender *sms.Sender, m *store.Message, claimedAt time.Time) {
	s := *sender
	if m.Sender != "" {
		s.From, s.MessagingServiceSID = m.Sender, ""
	}
	sid, err := s.Send(ctx, m.Recipient, m.BodyText)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		w.stats.sent.Add(1)
		if err := w.DB.MarkMessageDelivered(rctx, m.ID, sid, w.Now()); err != nil {
			// Left "sending": it ends as failed after its lease, and is not sent again.
			w.Log.Error("outbox: could not record a sent SMS", "id", m.ID, "sid", sid, "err", err)
		}
		return
	}
	final := !sms.NotSent(err) || m.Attempts >= w.MaxAttempts
	w.loop.recordFailure(rctx, w.DB, w.Log, &w.Schedule, m, claimedAt, err, final, "SMS")
}

// Register adds this node's SMS delivery outcomes and whether a provider was
// configured at the last poll to m.
func (w *SMSWorker) Register(m *api.Metrics) {
	m.Gauge("hatch_sms_deliveries", "SMS delivery attempts by this node since it started, by outcome.", "outcome", w.outcomes)
	m.Gauge("hatch_sms_provider_configured", "1 when an SMS provider is configured, else 0 (SMS wait in the outbox).", "", w.configuredGauge)
}
