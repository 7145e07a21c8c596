package store

import (
	"context"
	"time"
)

// EmailTemplate is an override of one built-in email template.
type EmailTemplate struct {
	ID                 string
	Type               string // Frontegg's template type (ResetPassword, InviteToTenant, …)
	SenderEmail        string
	FromName           string
	Subject            string
	HTML               string
	RedirectURL        string
	SuccessRedirectURL string
	Active             bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

const emailTemplateColumns = `id, type, sender_email, from_name, subject, html, redirect_url, success_redirect_url, active, created_at, updated_at`

func scanEmailTemplate(row interface{ Scan(...any) error }) (*EmailTemplate, error) {
	var t EmailTemplate
	var created, updated int64
	err := row.Scan(&t.ID, &t.Type, &t.SenderEmail, &t.FromName, &t.Subject, &t.HTML, &t.RedirectURL, &t.SuccessRedirectURL,
		&t.Active, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// FindEmailTemplates returns every override, by type.
func (db *DB) FindEmailTemplates(ctx context.Context) ([]*EmailTemplate, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+emailTemplateColumns+` FROM email_templates ORDER BY type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*EmailTemplate
	for rows.Next() {
		t, err := scanEmailTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindEmailTemplate returns the override of typ, or iam.ErrNotFound.
func (db *DB) FindEmailTemplate(ctx context.Context, typ string) (*EmailTemplate, error) {
	return findEmailTemplate(ctx, db.r, typ)
}

// FindEmailTemplate is FindEmailTemplate inside a transaction.
func (tx *Tx) FindEmailTemplate(ctx context.Context, typ string) (*EmailTemplate, error) {
	return findEmailTemplate(ctx, tx.tx, typ)
}

func findEmailTemplate(ctx context.Context, q querier, typ string) (*EmailTemplate, error) {
	return scanEmailTemplate(q.QueryRowContext(ctx, `SELECT `+emailTemplateColumns+` FROM email_templates WHERE type = $1`, typ))
}

// SaveEmailTemplate stores t as the override of t.Type. An existing override
// of that type keeps its id and creation time (both are set on t).
func (db *DB) SaveEmailTemplate(ctx context.Context, t *EmailTemplate) error {
	row := db.w.QueryRowContext(ctx, `INSERT INTO email_templates (`+emailTemplateColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (type) DO UPDATE SET sender_email = excluded.sender_email, from_name = excluded.from_name,
			subject = excluded.subject, html = excluded.html, redirect_url = excluded.redirect_url,
			success_redirect_url = excluded.success_redirect_url, active = excluded.active, updated_at = excluded.updated_at
		RETURNING id, created_at`,
		t.ID, t.Type, t.SenderEmail, t.FromName, t.Subject, t.HTML, t.RedirectURL, t.SuccessRedirectURL, t.Active,
		micros(t.CreatedAt), micros(t.UpdatedAt))
	var created int64
	if err := row.Scan(&t.ID, &created); err != nil {
		return mapErr(err)
	}
	t.CreatedAt = fromMicros(created)
	return nil
}

// DeleteEmailTemplate removes the override with id, or returns iam.ErrNotFound.
func (db *DB) DeleteEmailTemplate(ctx context.Context, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM email_templates WHERE id = $1`, id)
	return affectedOne(res, err)
}

// SMSTemplate is an override of one built-in SMS template.
type SMSTemplate struct {
	Type       string
	Body       string
	SenderName string
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

const smsTemplateColumns = `type, body, sender_name, active, created_at, updated_at`

func scanSMSTemplate(row interface{ Scan(...any) error }) (*SMSTemplate, error) {
	var t SMSTemplate
	var created, updated int64
	if err := row.Scan(&t.Type, &t.Body, &t.SenderName, &t.Active, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// FindSMSTemplates returns every SMS override, by type.
func (db *DB) FindSMSTemplates(ctx context.Context) ([]*SMSTemplate, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+smsTemplateColumns+` FROM sms_templates ORDER BY type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SMSTemplate
	for rows.Next() {
		t, err := scanSMSTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindSMSTemplate returns the SMS override of typ, or iam.ErrNotFound.
func (db *DB) FindSMSTemplate(ctx context.Context, typ string) (*SMSTemplate, error) {
	return findSMSTemplate(ctx, db.r, typ)
}

// FindSMSTemplate is FindSMSTemplate inside a transaction.
func (tx *Tx) FindSMSTemplate(ctx context.Context, typ string) (*SMSTemplate, error) {
	return findSMSTemplate(ctx, tx.tx, typ)
}

func findSMSTemplate(ctx context.Context, q querier, typ string) (*SMSTemplate, error) {
	return scanSMSTemplate(q.QueryRowContext(ctx, `SELECT `+smsTemplateColumns+` FROM sms_templates WHERE type = $1`, typ))
}

// SaveSMSTemplate stores t as the SMS override of t.Type; an existing one keeps
// its creation time (set on t).
func (db *DB) SaveSMSTemplate(ctx context.Context, t *SMSTemplate) error {
	row := db.w.QueryRowContext(ctx, `INSERT INTO sms_templates (`+smsTemplateColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (type) DO UPDATE SET body = excluded.body, sender_name = excluded.sender_name, active = excluded.active,
			updated_at = excluded.updated_at
		RETURNING created_at`,
		t.Type, t.Body, t.SenderName, t.Active, micros(t.CreatedAt), micros(t.UpdatedAt))
	var created int64
	if err := row.Scan(&created); err != nil {
		return mapErr(err)
	}
	t.CreatedAt = fromMicros(created)
	return nil
}

// DeleteSMSTemplate removes the SMS override of typ, or returns iam.ErrNotFound.
func (db *DB) DeleteSMSTemplate(ctx context.Context, typ string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sms_templates WHERE type = $1`, typ)
	return affectedOne(res, err)
}
