package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	ID         string
	TenantID   string // "" for environment-wide events
	UserID     string // the user the event is about
	Email      string
	ActorID    string
	ActorType  string
	ActorEmail string
	Action     string
	Resource   string
	Severity   string
	Outcome    string
	IP         string
	UserAgent  string
	Data       string // JSON object
	CreatedAt  time.Time
}

const auditColumns = `id, tenant_id, user_id, email, actor_id, actor_type, actor_email, action, resource, severity, outcome,
	ip, user_agent, data, created_at`

// CreateAuditEvent appends e to the audit log.
func (db *DB) CreateAuditEvent(ctx context.Context, e *AuditEvent) error {
	return createAuditEvent(ctx, db.w, e)
}

// CreateAuditEvent is CreateAuditEvent inside a transaction: the entry is
// written only if the transaction commits.
func (tx *Tx) CreateAuditEvent(ctx context.Context, e *AuditEvent) error {
	return createAuditEvent(ctx, tx.tx, e)
}

func createAuditEvent(ctx context.Context, q querier, e *AuditEvent) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_events (`+auditColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.ID, e.TenantID, e.UserID, e.Email, e.ActorID, e.ActorType, e.ActorEmail, e.Action, e.Resource, e.Severity,
		e.Outcome, e.IP, e.UserAgent, e.Data, micros(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("create audit event: %w", mapErr(err))
	}
	return nil
}

// AuditFilter selects audit entries. Empty fields do not filter; list fields
// match any of their values.
type AuditFilter struct {
	TenantIDs []string // nil: every account and the environment
	UserIDs   []string
	Emails    []string // case-insensitive
	Actions   []string
	Resources []string
	Severity  []string
	Outcome   string
	IP        string
	Text      string    // case-insensitive substring of action, resource, email, user id, actor email or address
	From, To  time.Time // created at or after From, before To; zero: open
	Page      Page      // SortBy: createdAt (default), action, resource, severity, email, ip, outcome
}

var auditSorts = map[string]string{
	"createdAt": "created_at", "time": "created_at", "action": "action", "resource": "resource",
	"severity": "severity", "email": "email", "user": "email", "ip": "ip", "outcome": "outcome",
}

// where builds the filter's WHERE clause and its arguments.
func (f *AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	in := func(col string, vals []string, lower bool) {
		if len(vals) == 0 {
			return
		}
		for _, v := range vals {
			if lower {
				v = strings.ToLower(v)
			}
			args = append(args, v)
		}
		if lower {
			col = "LOWER(" + col + ")"
		}
		conds = append(conds, col+" IN ("+placeholders(len(args)-len(vals)+1, len(vals))+")")
	}
	in("tenant_id", f.TenantIDs, false)
	in("user_id", f.UserIDs, false)
	in("email", f.Emails, true)
	in("action", f.Actions, false)
	in("resource", f.Resources, false)
	in("severity", f.Severity, false)
	eq := func(col, v string) {
		if v != "" {
			args = append(args, v)
			conds = append(conds, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	eq("outcome", f.Outcome)
	eq("ip", f.IP)
	if f.Text != "" {
		args = append(args, likePattern(f.Text))
		n := len(args)
		var ors []string
		for _, col := range []string{"action", "resource", "email", "user_id", "actor_email", "ip"} {
			ors = append(ors, fmt.Sprintf(`LOWER(%s) LIKE $%d ESCAPE '\'`, col, n))
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if !f.From.IsZero() {
		args = append(args, micros(f.From))
		conds = append(conds, fmt.Sprintf("created_at >= $%d", len(args)))
	}
	if !f.To.IsZero() {
		args = append(args, micros(f.To))
		conds = append(conds, fmt.Sprintf("created_at < $%d", len(args)))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindAuditEvents returns one page of the entries f selects and how many it
// selects in all.
func (db *DB) FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, int, error) {
	where, args := f.where()
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	args = append(args, f.Page.limit(), f.Page.Offset)
	rows, err := db.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events`+where+
		f.Page.orderBy(auditSorts, "created_at")+fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*AuditEvent
	for rows.Next() {
		var e AuditEvent
		var created int64
		if err := rows.Scan(&e.ID, &e.TenantID, &e.UserID, &e.Email, &e.ActorID, &e.ActorType, &e.ActorEmail, &e.Action,
			&e.Resource, &e.Severity, &e.Outcome, &e.IP, &e.UserAgent, &e.Data, &created); err != nil {
			return nil, 0, err
		}
		e.CreatedAt = fromMicros(created)
		out = append(out, &e)
	}
	return out, total, rows.Err()
}

// CountAuditEvents returns how many entries f selects (its Page is ignored).
func (db *DB) CountAuditEvents(ctx context.Context, f AuditFilter) (int, error) {
	where, args := f.where()
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`+where, args...).Scan(&n)
	return n, err
}
