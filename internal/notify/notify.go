package notify

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	texttemplate "text/template"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Kind is an email template type, named as Frontegg names them.
type Kind string

const (
	ActivateUser  Kind = "ActivateUser"
	ResetPassword Kind = "ResetPassword"
)

// Code kinds of the one-time links this package sends.
const (
	CodeActivation    = "activation"
	CodePasswordReset = "password-reset"
)

// Lifetimes of emailed links.
const (
	ActivationTTL    = 7 * 24 * time.Hour
	PasswordResetTTL = time.Hour
)

// Notifier renders messages and queues them.
type Notifier struct {
	BaseURL string // public URL; links point at BaseURL + the path of the page
	From    string // sender address
	Now     func() time.Time
}

// template is a built-in email: subject, plain text and HTML bodies. Data is
// escaped by html/template in the HTML body, so a user's name cannot inject markup.
type template struct {
	subject string
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

func newTemplate(subject, text, html string) template {
	return template{
		subject: subject,
		text:    texttemplate.Must(texttemplate.New("text").Parse(text)),
		html:    htmltemplate.Must(htmltemplate.New("html").Parse(html)),
	}
}

var builtin = map[Kind]template{
	ActivateUser: newTemplate("Activate your account",
		"Hello {{.Name}},\n\nActivate your account: {{.Link}}\n\nThe link works once and expires on {{.Expires}}.\n",
		`<p>Hello {{.Name}},</p><p><a href="{{.Link}}">Activate your account</a></p><p>The link works once and expires on {{.Expires}}.</p>`),
	ResetPassword: newTemplate("Reset your password",
		"Hello {{.Name}},\n\nReset your password: {{.Link}}\n\nThe link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.\n",
		`<p>Hello {{.Name}},</p><p><a href="{{.Link}}">Reset your password</a></p><p>The link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.</p>`),
}

// Vars are the values a template may use.
type Vars struct {
	Name    string
	Email   string
	Link    string
	Code    string
	Expires string
	Tenant  string
}

// Email renders kind with vars and queues it for to in tx.
func (n *Notifier) Email(ctx context.Context, tx *store.Tx, kind Kind, to string, vars Vars) error {
	tpl, ok := builtin[kind]
	if !ok {
		return fmt.Errorf("no email template %q", kind)
	}
	var text, html bytes.Buffer
	if err := tpl.text.Execute(&text, vars); err != nil {
		return fmt.Errorf("render %s: %w", kind, err)
	}
	if err := tpl.html.Execute(&html, vars); err != nil {
		return fmt.Errorf("render %s: %w", kind, err)
	}
	now := n.Now()
	return tx.Enqueue(ctx, &store.Message{
		ID: uuid.NewString(), Channel: "email", Recipient: to, Sender: n.From, Subject: tpl.subject,
		BodyText: text.String(), BodyHTML: html.String(), Template: string(kind), CreatedAt: now,
	})
}

// Activation creates an activation code for u and queues the activation
// email with its link. It returns the code (for vendor-made links).
func (n *Notifier) Activation(ctx context.Context, tx *store.Tx, u *iam.User, tenantID string, send bool) (string, error) {
	return n.link(ctx, tx, u, tenantID, CodeActivation, ActivationTTL, "/account/activate", ActivateUser, send)
}

// PasswordReset creates a reset code for u and, when send is true, queues the
// reset email with its link. It returns the code.
func (n *Notifier) PasswordReset(ctx context.Context, tx *store.Tx, u *iam.User, send bool) (string, error) {
	return n.link(ctx, tx, u, "", CodePasswordReset, PasswordResetTTL, "/account/reset-password", ResetPassword, send)
}

func (n *Notifier) link(ctx context.Context, tx *store.Tx, u *iam.User, tenantID, codeKind string, ttl time.Duration, page string, kind Kind, send bool) (string, error) {
	now := n.Now()
	code := secure.RandomToken(32)
	err := tx.CreateCode(ctx, &store.Code{
		Hash: secure.HashToken(code), Kind: codeKind, UserID: u.ID, TenantID: tenantID,
		CreatedAt: now, ExpiresAt: now.Add(ttl),
	}, true)
	if err != nil {
		return "", err
	}
	if !send || u.Email == "" {
		return code, nil
	}
	link := n.BaseURL + page + "?" + url.Values{"userId": {u.ID}, "token": {code}}.Encode()
	return code, n.Email(ctx, tx, kind, u.Email, Vars{
		Name: u.Name, Email: u.Email, Link: link, Expires: now.Add(ttl).UTC().Format(time.RFC1123),
	})
}
