package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Code kinds of the one-time links this package sends.
const (
	CodeActivation    = "activation"
	CodePasswordReset = "password-reset"
	// CodeInvitation codes carry, in their TenantID, the account the user is invited to.
	CodeInvitation = "invitation"
	// CodeUnlock codes lift the lock that failed logins put on a user (users/v3/me/unlock).
	CodeUnlock = "unlock"
)

// Lifetimes of emailed links whose strategy is not configurable.
const (
	PasswordResetTTL = time.Hour
	UnlockTTL        = 24 * time.Hour
)

// Notifier renders messages and queues them in the outbox.
type Notifier struct {
	DB      *store.DB // read for links made outside a transaction
	BaseURL string    // public URL; default links point at pages under it
	Now     func() time.Time
	// Wake and WakeSMS, when set, are called once a transaction that queued
	// an email or an SMS has committed, so the outbox workers send it without
	// waiting for their next poll.
	Wake    func()
	WakeSMS func()
}

// Vars are the values a template may use. Each is a Frontegg template
// variable, named in the field's comment.
type Vars struct {
	Name              string // name: the recipient's name
	Email             string // email
	PhoneNumber       string // phoneNumber
	ProfilePictureURL string // profilePictureUrl
	Metadata          string // metadata: the recipient's metadata (JSON)
	Tenant            string // tenantName
	Link              string // redirectURL: the link the email carries
	Code              string // code
	Expires           string // expirationTime: when the link or code stops working, for people
	ExpiresInMinutes  int    // expiresInMinutes
	TimesPwned        int    // timesPwned
	IssuerName        string // issuerName: the user whose action sent the email
	IssuerEmail       string // issuerEmail
	IssuerMetadata    string // issuerMetadata
	IssuerPictureURL  string // issuerProfilePictureUrl
	// UserID and Token, when Token is set, make Link: they are put as query
	// parameters on the template's redirect URL, as Frontegg does.
	UserID, Token string
}

func (v Vars) values() map[string]string {
	m := map[string]string{
		"name": v.Name, "email": v.Email, "phoneNumber": v.PhoneNumber, "profilePictureUrl": v.ProfilePictureURL,
		"metadata": v.Metadata, "tenantName": v.Tenant, "redirectURL": v.Link, "code": v.Code, "expirationTime": v.Expires,
		"issuerName": v.IssuerName, "issuerEmail": v.IssuerEmail, "issuerMetadata": v.IssuerMetadata,
		"issuerProfilePictureUrl": v.IssuerPictureURL,
	}
	if v.ExpiresInMinutes > 0 {
		m["expiresInMinutes"] = strconv.Itoa(v.ExpiresInMinutes)
	}
	if v.TimesPwned > 0 {
		m["timesPwned"] = strconv.Itoa(v.TimesPwned)
	}
	return m
}

// userVars are the variables describing the recipient u.
func userVars(u *iam.User) Vars {
	return Vars{Name: u.Name, Email: u.Email, PhoneNumber: u.PhoneNumber, ProfilePictureURL: u.ProfilePictureURL, Metadata: u.Metadata}
}

// Email renders kind with vars and queues it for to in tx. The template is
// the stored override of kind when there is one, else the built-in default;
// when the override is inactive nothing is queued. Every variable is
// HTML-escaped in the body; the plain-text part is derived from the HTML.
func (n *Notifier) Email(ctx context.Context, tx *store.Tx, kind Kind, to string, vars Vars) error {
	tpl, err := emailTemplate(ctx, tx, kind, n.BaseURL)
	if err != nil {
		return fmt.Errorf("email %s: %w", kind, err)
	}
	if !tpl.Active {
		return nil
	}
	switch {
	case vars.Token != "" && tpl.RedirectURL != "":
		vars.Link = linkTo(tpl.RedirectURL, vars.UserID, vars.Token)
	case vars.Link == "":
		vars.Link = tpl.RedirectURL
	}
	values := vars.values()
	body := renderHTML(tpl.HTML, values)
	sender := ""
	if tpl.SenderEmail != "" {
		sender = (&mail.Address{Name: tpl.FromName, Address: tpl.SenderEmail}).String()
	}
	err = tx.Enqueue(ctx, &store.Message{
		ID: uuid.NewString(), Channel: store.ChannelEmail, Recipient: to, Sender: sender, Subject: renderLine(tpl.Subject, values),
		BodyText: textOf(body), BodyHTML: body, Template: string(kind), CreatedAt: n.Now(),
	})
	if err == nil && n.Wake != nil {
		tx.AfterCommit(n.Wake)
	}
	return err
}

// SMS renders kind with vars and queues it for the E.164 number to in tx,
// unless kind's stored override is inactive.
func (n *Notifier) SMS(ctx context.Context, tx *store.Tx, kind SMSKind, to string, vars Vars) error {
	if _, ok := DefaultSMSTemplate(kind); !ok {
		return fmt.Errorf("no SMS template %q", kind)
	}
	o, err := tx.FindSMSTemplate(ctx, string(kind))
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	tpl := OverrideSMS(kind, o)
	if !tpl.Active {
		return nil
	}
	err = tx.Enqueue(ctx, &store.Message{
		ID: uuid.NewString(), Channel: store.ChannelSMS, Recipient: to, Sender: tpl.SenderName,
		BodyText: renderText(tpl.Body, vars.values()), Template: string(kind), CreatedAt: n.Now(),
	})
	if err == nil && n.WakeSMS != nil {
		tx.AfterCommit(n.WakeSMS)
	}
	return err
}

// Link returns the link an email of kind carries for a user and token: the
// template's redirect URL (the override's, else the default page) with
// userId and token added. It is for links handed out without an email.
func (n *Notifier) Link(ctx context.Context, kind Kind, userID, token string) (string, error) {
	tpl, err := emailTemplate(ctx, n.DB, kind, n.BaseURL)
	if err != nil {
		return "", err
	}
	return linkTo(tpl.RedirectURL, userID, token), nil
}

// Activation creates an activation code for u and, when send is true,
// queues the activation email with its link. Earlier activation links of u
// stop working. It returns the code (for vendor-made links).
//
// The activation strategy decides the email and the lifetime: with "link"
// it is ActivateUser, with "code" ActivateUserWithCode. Either carries a
// six-digit code, for apps whose activation page asks for one (POST
// /users/v1/activate/code): it is valid only together with the link's
// token (ActivationCodeMatches), so it adds no way in.
func (n *Notifier) Activation(ctx context.Context, tx *store.Tx, u *iam.User, tenantID string, send bool) (string, error) {
	strategy, err := LoadStrategy(ctx, tx, ActivationStrategyName)
	if err != nil {
		return "", err
	}
	kind := ActivateUser
	if strategy.Strategy == StrategyCode {
		kind = ActivateUserWithCode
	}
	return n.codeLink(ctx, tx, u, linkSpec{tenantID: tenantID, codeKind: CodeActivation, ttl: strategy.TTL(), kind: kind,
		withCode: true, send: send, replace: true})
}

// PasswordReset creates a reset code for u and, when send is true, queues the
// reset email with its link. Earlier reset links of u stop working. It
// returns the code.
func (n *Notifier) PasswordReset(ctx context.Context, tx *store.Tx, u *iam.User, send bool) (string, error) {
	return n.codeLink(ctx, tx, u, linkSpec{codeKind: CodePasswordReset, ttl: PasswordResetTTL, kind: ResetPassword, send: send, replace: true})
}

// Unlock creates an unlock code for u, whom failed logins just locked, and
// queues the UnlockUser email with its link. Earlier unlock links of u stop
// working.
func (n *Notifier) Unlock(ctx context.Context, tx *store.Tx, u *iam.User) error {
	_, err := n.codeLink(ctx, tx, u, linkSpec{codeKind: CodeUnlock, ttl: UnlockTTL, kind: UnlockUser, send: true, replace: true})
	return err
}

// Invite describes an invitation of a user into an account.
type Invite struct {
	Tenant *iam.Tenant
	Issuer *iam.User // who invited, when a user did
	Bulk   bool      // part of a bulk invitation (BulkInvitesToTenant)
	Send   bool      // queue the email; otherwise only the code is made
}

// Invitation creates an invitation code for u to join inv.Tenant and, when
// inv.Send is true, queues the invitation email with its link. Earlier
// invitation links of u to that account stop working. It returns the code.
// The invitation strategy decides the email (InviteToTenant, or
// InviteToTenantWithCode with a six-digit code; BulkInvitesToTenant for a
// bulk invitation) and how long the link works.
func (n *Notifier) Invitation(ctx context.Context, tx *store.Tx, u *iam.User, inv Invite) (string, error) {
	strategy, err := LoadStrategy(ctx, tx, InvitationStrategyName)
	if err != nil {
		return "", err
	}
	kind := InviteToTenant
	switch {
	case strategy.Strategy == StrategyCode:
		kind = InviteToTenantWithCode
	case inv.Bulk:
		kind = BulkInvitesToTenant
	}
	if err := tx.DeleteCodes(ctx, u.ID, CodeInvitation, inv.Tenant.TenantID); err != nil {
		return "", err
	}
	l := linkSpec{tenantID: inv.Tenant.TenantID, tenantName: inv.Tenant.Name, codeKind: CodeInvitation, ttl: strategy.TTL(),
		kind: kind, withCode: true, send: inv.Send}
	if inv.Issuer != nil {
		l.issuer = userVars(inv.Issuer)
	}
	return n.codeLink(ctx, tx, u, l)
}

// codeData is the Data of a code that comes with a six-digit code.
type codeData struct {
	CodeHash string `json:"codeHash"` // hash of the link token and the six-digit code together
}

func codeHash(token, otc string) string { return secure.HashToken(token + ":" + otc) }

// ActivationCodeMatches reports whether otc is the six-digit code emailed
// with the activation code c, whose link token is token.
func ActivationCodeMatches(c *store.Code, token, otc string) bool { return codeMatches(c, token, otc) }

// InvitationCodeMatches reports whether otc is the six-digit code emailed
// with the invitation code c, whose link token is token.
func InvitationCodeMatches(c *store.Code, token, otc string) bool { return codeMatches(c, token, otc) }

func codeMatches(c *store.Code, token, otc string) bool {
	var d codeData
	if err := json.Unmarshal([]byte(c.Data), &d); err != nil || d.CodeHash == "" {
		return false
	}
	return secure.Equal(d.CodeHash, codeHash(token, otc))
}

// linkSpec describes one emailed one-time link.
type linkSpec struct {
	tenantID, tenantName, codeKind string
	ttl                            time.Duration
	kind                           Kind
	withCode                       bool // a six-digit code comes with the link
	send                           bool
	replace                        bool // the user's other unused codes of codeKind die
	issuer                         Vars
}

// codeLink stores a one-time code for u as l says and, when l.send is set and
// u has an email, queues the email with its link. It returns the token.
func (n *Notifier) codeLink(ctx context.Context, tx *store.Tx, u *iam.User, l linkSpec) (string, error) {
	now := n.Now()
	token := secure.RandomToken(32)
	otc, data := "", ""
	if l.withCode {
		otc = secure.RandomDigits(6)
		raw, err := json.Marshal(codeData{CodeHash: codeHash(token, otc)})
		if err != nil {
			return "", err
		}
		data = string(raw)
	}
	err := tx.CreateCode(ctx, &store.Code{
		Hash: secure.HashToken(token), Kind: l.codeKind, UserID: u.ID, TenantID: l.tenantID, Data: data,
		CreatedAt: now, ExpiresAt: now.Add(l.ttl),
	}, l.replace)
	if err != nil || !l.send || u.Email == "" {
		return token, err
	}
	vars := userVars(u)
	vars.UserID, vars.Token, vars.Code = u.ID, token, otc
	vars.Expires, vars.ExpiresInMinutes = now.Add(l.ttl).UTC().Format(time.RFC1123), int(l.ttl.Minutes())
	vars.Tenant = l.tenantName
	if vars.Tenant == "" && l.tenantID != "" {
		if t, err := tx.FindTenant(ctx, l.tenantID); err == nil {
			vars.Tenant = t.Name
		}
	}
	vars.IssuerName, vars.IssuerEmail, vars.IssuerMetadata, vars.IssuerPictureURL =
		l.issuer.Name, l.issuer.Email, l.issuer.Metadata, l.issuer.ProfilePictureURL
	return token, n.Email(ctx, tx, l.kind, u.Email, vars)
}
