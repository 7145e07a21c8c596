package notify

import (
	"bytes"
	"context"
	"encoding/json"
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
	// VerifyNewEmail carries the code that proves a user owns an address added to its account.
	VerifyNewEmail Kind = "VerifyNewEmail"
	// MFAOTC carries a one-time code that proves a second factor (email code MFA).
	MFAOTC Kind = "MFAOTC"
	// MagicLink carries a one-time sign-in link (passwordless).
	MagicLink Kind = "MagicLink"
	// OTC carries a one-time sign-in code (passwordless).
	OTC Kind = "OTC"
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

// Pages of the emailed links, under BaseURL, as Frontegg's hosted login names them.
const (
	ActivationPage    = "/account/activate"
	PasswordResetPage = "/account/reset-password"
	MagicLinkPage     = "/account/login/magic-link"
)

// Notifier renders messages and queues them.
type Notifier struct {
	BaseURL string // public URL; links point at BaseURL + the path of the page
	From    string // sender address
	Now     func() time.Time
	// Wake, when set, is called once a transaction that queued a message
	// has committed, so the outbox worker sends it without waiting for its
	// next poll (Worker.Wake).
	Wake func()
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
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nActivate your account: {{.Link}}\n{{if .Code}}\nIf you are asked for a code, enter {{.Code}}.\n{{end}}\nThe link works once and expires on {{.Expires}}.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p><a href="{{.Link}}">Activate your account</a></p>{{if .Code}}<p>If you are asked for a code, enter <b>{{.Code}}</b>.</p>{{end}}<p>The link works once and expires on {{.Expires}}.</p>`),
	ResetPassword: newTemplate("Reset your password",
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nReset your password: {{.Link}}\n\nThe link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p><a href="{{.Link}}">Reset your password</a></p><p>The link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.</p>`),
	VerifyNewEmail: newTemplate("Verify your email address",
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nTo add {{.Email}} to your account, enter this code: {{.Code}}\n\nThe code works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p>To add {{.Email}} to your account, enter this code: <b>{{.Code}}</b></p><p>The code works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.</p>`),
	MFAOTC: newTemplate("Your verification code",
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nYour verification code is {{.Code}}\n\nThe code works once and expires on {{.Expires}}. If you did not try to sign in, change your password.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p>Your verification code is <b>{{.Code}}</b></p><p>The code works once and expires on {{.Expires}}. If you did not try to sign in, change your password.</p>`),
	MagicLink: newTemplate("Your sign-in link",
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nSign in: {{.Link}}\n\nThe link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p><a href="{{.Link}}">Sign in</a></p><p>The link works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.</p>`),
	OTC: newTemplate("Your sign-in code",
		"Hello{{if .Name}} {{.Name}}{{end}},\n\nYour sign-in code is {{.Code}}\n\nThe code works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.\n",
		`<p>Hello{{if .Name}} {{.Name}}{{end}},</p><p>Your sign-in code is <b>{{.Code}}</b></p><p>The code works once and expires on {{.Expires}}. If you did not ask for it, ignore this email.</p>`),
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
	err := tx.Enqueue(ctx, &store.Message{
		ID: uuid.NewString(), Channel: store.ChannelEmail, Recipient: to, Sender: n.From, Subject: tpl.subject,
		BodyText: text.String(), BodyHTML: html.String(), Template: string(kind), CreatedAt: now,
	})
	if err == nil && n.Wake != nil {
		tx.AfterCommit(n.Wake)
	}
	return err
}

// Activation creates an activation code for u and, when send is true,
// queues the activation email with its link. Earlier activation links of u
// stop working. It returns the code (for vendor-made links).
//
// The email also carries a six-digit code, for apps whose activation page
// asks for one (POST /users/v1/activate/code): it is valid only together
// with the link's token (ActivationCodeMatches), so it adds no way in.
func (n *Notifier) Activation(ctx context.Context, tx *store.Tx, u *iam.User, tenantID string, send bool) (string, error) {
	token := secure.RandomToken(32)
	otc := secure.RandomDigits(6)
	data, err := json.Marshal(activationData{CodeHash: activationCodeHash(token, otc)})
	if err != nil {
		return "", err
	}
	return token, n.link(ctx, tx, u, linkSpec{
		token: token, tenantID: tenantID, codeKind: CodeActivation, data: string(data), ttl: ActivationTTL,
		page: ActivationPage, kind: ActivateUser, otc: otc, send: send,
	})
}

// PasswordReset creates a reset code for u and, when send is true, queues the
// reset email with its link. Earlier reset links of u stop working. It
// returns the code.
func (n *Notifier) PasswordReset(ctx context.Context, tx *store.Tx, u *iam.User, send bool) (string, error) {
	token := secure.RandomToken(32)
	return token, n.link(ctx, tx, u, linkSpec{
		token: token, codeKind: CodePasswordReset, ttl: PasswordResetTTL, page: PasswordResetPage, kind: ResetPassword, send: send,
	})
}

// ActivationLink returns the activation page's link for a user and token.
func (n *Notifier) ActivationLink(userID, token string) string {
	return n.pageLink(ActivationPage, userID, token)
}

// PasswordResetLink returns the reset page's link for a user and token.
func (n *Notifier) PasswordResetLink(userID, token string) string {
	return n.pageLink(PasswordResetPage, userID, token)
}

// MagicLinkURL returns the sign-in page's link for a passwordless token.
func (n *Notifier) MagicLinkURL(token string) string {
	return n.BaseURL + MagicLinkPage + "?" + url.Values{"token": {token}}.Encode()
}

func (n *Notifier) pageLink(page, userID, token string) string {
	return n.BaseURL + page + "?" + url.Values{"userId": {userID}, "token": {token}}.Encode()
}

// activationData is the Data of an activation code.
type activationData struct {
	CodeHash string `json:"codeHash"` // hash of the link token and the six-digit code together
}

func activationCodeHash(token, otc string) string { return secure.HashToken(token + ":" + otc) }

// ActivationCodeMatches reports whether otc is the six-digit code emailed
// with the activation code c, whose link token is token.
func ActivationCodeMatches(c *store.Code, token, otc string) bool {
	var d activationData
	if err := json.Unmarshal([]byte(c.Data), &d); err != nil || d.CodeHash == "" {
		return false
	}
	return secure.Equal(d.CodeHash, activationCodeHash(token, otc))
}

// linkSpec describes one emailed one-time link.
type linkSpec struct {
	token, tenantID, codeKind, data string
	ttl                             time.Duration
	page                            string
	kind                            Kind
	otc                             string // shown in the email when set
	send                            bool
}

func (n *Notifier) link(ctx context.Context, tx *store.Tx, u *iam.User, l linkSpec) error {
	now := n.Now()
	err := tx.CreateCode(ctx, &store.Code{
		Hash: secure.HashToken(l.token), Kind: l.codeKind, UserID: u.ID, TenantID: l.tenantID, Data: l.data,
		CreatedAt: now, ExpiresAt: now.Add(l.ttl),
	}, true)
	if err != nil {
		return err
	}
	if !l.send || u.Email == "" {
		return nil
	}
	return n.Email(ctx, tx, l.kind, u.Email, Vars{
		Name: u.Name, Email: u.Email, Link: n.pageLink(l.page, u.ID, l.token), Code: l.otc,
		Expires: now.Add(l.ttl).UTC().Format(time.RFC1123),
	})
}
