package store

import (
	"context"
	"database/sql"
	"time"
)

// Message is one outgoing email or SMS.
type Message struct {
	ID            string
	Channel       string // "email" or "sms"
	Recipient     string
	Sender        string
	Subject       string
	BodyText      string
	BodyHTML      string
	Template      string // the template type it was rendered from
	Status        string // pending, sent, failed
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
	// ProviderMessageID is the id the provider gave the delivered message
	// (Twilio's message SID); empty for email.
	ProviderMessageID string
}

// Outbox statuses. A message of an at-most-once channel is "sending" from its
// claim until its outcome is recorded (see ClaimMessagesAtMostOnce).
const (
	MessagePending = "pending"
	MessageSending = "sending"
	MessageSent    = "sent"
	MessageFailed  = "failed"
)

// Enqueue writes m as pending, in the caller's transaction, so it is sent if
// and only if the change that caused it commits.
func (tx *Tx) Enqueue(ctx context.Context, m *Message) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO outbox (id, channel, recipient, sender, subject, body_text, body_html,
		template, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)`,
		m.ID, m.Channel, m.Recipient, m.Sender, m.Subject, m.BodyText, m.BodyHTML, m.Template, MessagePending, micros(m.CreatedAt))
	return mapErr(err)
}

// Outbox channels.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// ClaimMessages takes up to limit due messages of channel for sending: it
// counts an attempt and pushes their next attempt to leaseUntil, so another
// node (or this one after a crash) retries them only once the lease is over.
// On PostgreSQL, nodes claiming together skip each other's rows.
func (db *DB) ClaimMessages(ctx context.Context, channel string, now, leaseUntil time.Time, limit int) ([]*Message, error) {
	return db.claimMessages(ctx, channel, now, leaseUntil, limit, MessagePending)
}

// ClaimMessagesAtMostOnce is ClaimMessages for a channel whose messages must
// never go out twice (SMS): the claimed messages become "sending", which no
// claim takes again. If the node dies before recording an outcome, the
// message is not retried: FailAbandonedMessages ends it once its lease is over.
func (db *DB) ClaimMessagesAtMostOnce(ctx context.Context, channel string, now, leaseUntil time.Time, limit int) ([]*Message, error) {
	return db.claimMessages(ctx, channel, now, leaseUntil, limit, MessageSending)
}

func (db *DB) claimMessages(ctx context.Context, channel string, now, leaseUntil time.Time, limit int, status string) ([]*Message, error) {
	lock := ""
	if db.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []*Message
	err := db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, `SELECT id, channel, recipient, sender, subject, body_text, body_html, template,
			attempts, created_at FROM outbox WHERE status = $1 AND channel = $2 AND next_attempt_at <= $3
			ORDER BY next_attempt_at LIMIT $4`+lock,
			MessagePending, channel, micros(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m Message
			var created int64
			if err := rows.Scan(&m.ID, &m.Channel, &m.Recipient, &m.Sender, &m.Subject, &m.BodyText, &m.BodyHTML,
				&m.Template, &m.Attempts, &created); err != nil {
				rows.Close()
				return err
			}
			m.CreatedAt, m.Status = fromMicros(created), status
			m.Attempts++
			out = append(out, &m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET attempts = $2, next_attempt_at = $3, status = $4 WHERE id = $1`,
				m.ID, m.Attempts, micros(leaseUntil), status); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FailAbandonedMessages ends as failed, with reason, every message of channel
// still "sending" after its lease: its node stopped before recording whether
// the provider took it, so sending it again could deliver it twice. It
// returns their ids.
func (db *DB) FailAbandonedMessages(ctx context.Context, channel, reason string, now time.Time) ([]string, error) {
	var ids []string
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		ids, err = returningIDs(ctx, tx, `UPDATE outbox SET status = $1, last_error = $2
			WHERE channel = $3 AND status = $4 AND next_attempt_at <= $5 RETURNING id`,
			MessageFailed, reason, channel, MessageSending, micros(now))
		return err
	})
	return ids, err
}

// FindMessage returns the message with id, or iam.ErrNotFound.
func (db *DB) FindMessage(ctx context.Context, id string) (*Message, error) {
	var m Message
	var next, created int64
	var sent sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT id, channel, recipient, sender, subject, body_text, body_html, template, status,
		attempts, next_attempt_at, last_error, created_at, sent_at, provider_message_id FROM outbox WHERE id = $1`, id).
		Scan(&m.ID, &m.Channel, &m.Recipient, &m.Sender, &m.Subject, &m.BodyText, &m.BodyHTML, &m.Template, &m.Status,
			&m.Attempts, &next, &m.LastError, &created, &sent, &m.ProviderMessageID)
	if err != nil {
		return nil, mapErr(err)
	}
	m.NextAttemptAt, m.CreatedAt, m.SentAt = fromMicros(next), fromMicros(created), timePtr(sent)
	return &m, nil
}

// MarkMessageSent records a delivered message.
func (db *DB) MarkMessageSent(ctx context.Context, id string, now time.Time) error {
	return db.MarkMessageDelivered(ctx, id, "", now)
}

// MarkMessageDelivered records a message the provider accepted under providerID.
func (db *DB) MarkMessageDelivered(ctx context.Context, id, providerID string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE outbox SET status = $2, sent_at = $3, last_error = '', provider_message_id = $4 WHERE id = $1`,
		id, MessageSent, micros(now), providerID)
	return mapErr(err)
}

// MarkMessageFailed records a failed attempt: the message is retried at
// retryAt, or ends as failed when final is true.
func (db *DB) MarkMessageFailed(ctx context.Context, id, reason string, retryAt time.Time, final bool) error {
	status := MessagePending
	if final {
		status = MessageFailed
	}
	_, err := db.w.ExecContext(ctx, `UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1`,
		id, status, reason, micros(retryAt))
	return mapErr(err)
}

// CountMessages returns how many messages have each status, for metrics.
func (db *DB) CountMessages(ctx context.Context) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
