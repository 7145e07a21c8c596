package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// EmailTemplate is the template an email type is sent with: the override
// stored for it, or the built-in default.
type EmailTemplate struct {
	ID                 string // the override's id; "" for a default
	Kind               Kind
	Subject            string
	HTML               string
	SenderEmail        string // "" sends as the mail configuration (or HATCH_MAIL_FROM) says
	FromName           string
	RedirectURL        string // where the emailed link points, before userId and token are added
	SuccessRedirectURL string
	Active             bool
}

// DefaultEmailTemplate returns kind's built-in template, its link under baseURL.
func DefaultEmailTemplate(kind Kind, baseURL string) (*EmailTemplate, bool) {
	for _, d := range defaultEmails {
		if d.kind == kind {
			t := &EmailTemplate{Kind: kind, Subject: d.subject, HTML: d.html, Active: true}
			if d.page != "" {
				t.RedirectURL = baseURL + d.page
			}
			return t, true
		}
	}
	return nil, false
}

// Override returns the template of kind with the stored override o on top of
// the default; fields the override leaves empty keep the default's.
func Override(kind Kind, baseURL string, o *store.EmailTemplate) *EmailTemplate {
	t, _ := DefaultEmailTemplate(kind, baseURL)
	if o == nil {
		return t
	}
	t.ID, t.Active, t.SenderEmail, t.FromName, t.SuccessRedirectURL = o.ID, o.Active, o.SenderEmail, o.FromName, o.SuccessRedirectURL
	if o.Subject != "" {
		t.Subject = o.Subject
	}
	if o.HTML != "" {
		t.HTML = o.HTML
	}
	if o.RedirectURL != "" {
		t.RedirectURL = o.RedirectURL
	}
	return t
}

// emailTemplate returns the template kind is sent with, reading its override in q.
func emailTemplate(ctx context.Context, q interface {
	FindEmailTemplate(ctx context.Context, typ string) (*store.EmailTemplate, error)
}, kind Kind, baseURL string) (*EmailTemplate, error) {
	if _, ok := DefaultEmailTemplate(kind, baseURL); !ok {
		return nil, fmt.Errorf("no email template %q", kind)
	}
	o, err := q.FindEmailTemplate(ctx, string(kind))
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return nil, err
	}
	return Override(kind, baseURL, o), nil
}

// linkTo puts userId and token on redirectURL as query parameters, keeping
// any it already has. An unparsable URL (only a vendor can set one, and the
// API checks it) is used as the page of a plain query string.
func linkTo(redirectURL, userID, token string) string {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return redirectURL + "?" + url.Values{"userId": {userID}, "token": {token}}.Encode()
	}
	q := u.Query()
	q.Set("userId", userID)
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String()
}

// SMSTemplate is the template an SMS type is sent with.
type SMSTemplate struct {
	Kind       SMSKind
	Body       string
	SenderName string // "" sends as the SMS configuration says
	Active     bool
	Default    bool // no override is stored
}

// DefaultSMSTemplate returns kind's built-in SMS template.
func DefaultSMSTemplate(kind SMSKind) (*SMSTemplate, bool) {
	for _, d := range defaultSMS {
		if d.kind == kind {
			return &SMSTemplate{Kind: kind, Body: d.body, Active: true, Default: true}, true
		}
	}
	return nil, false
}

// OverrideSMS returns kind's SMS template with the stored override o on top of the default.
func OverrideSMS(kind SMSKind, o *store.SMSTemplate) *SMSTemplate {
	t, _ := DefaultSMSTemplate(kind)
	if o == nil {
		return t
	}
	t.Default, t.Active, t.SenderName = false, o.Active, o.SenderName
	if o.Body != "" {
		t.Body = o.Body
	}
	return t
}
