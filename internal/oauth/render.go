package oauth

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
)

//go:embed templates/page.html
var templateFiles embed.FS

var pageTemplate = template.Must(template.New("page.html").Funcs(template.FuncMap{
	// css passes a validated #rrggbb colour into the style sheet.
	"css": func(s string) template.CSS {
		if colorRE.MatchString(s) {
			return template.CSS(s)
		}
		return template.CSS("#000000")
	},
}).ParseFS(templateFiles, "templates/page.html"))

// page is what the template shows. View picks the form: login, mfa, forgot,
// signup or message.
type page struct {
	View      string
	Title     string
	Error     string
	Info      string
	Brand     branding
	OnPrimary string
	Nonce     string // the style sheet's CSP nonce
	Base      string // the path prefix the page was served under ("" or /frontegg)

	Ticket string
	CSRF   string

	Email, Name, Company string
	MFA                  mfaView
	AllowSignup          bool
	SSO                  bool
	Providers            []Provider
	Link                 *link
	// CaptchaSiteKey is the reCAPTCHA site key when the captcha policy is
	// on: the login and sign-up forms then carry the widget (render sets it).
	CaptchaSiteKey string
}

type link struct{ URL, Text string }

// securityHeaders are on every page: no framing (clickjacking), nothing but
// the page's own style and any image (the logo), no caching, no referrer
// (tickets travel in some links). With captcha, the page also runs its own
// script and Google's reCAPTCHA (scripts it loads, its frames).
func securityHeaders(w http.ResponseWriter, nonce string, captcha bool) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Frame-Options", "DENY")
	csp := "default-src 'none'; style-src 'nonce-" + nonce + "'; img-src * data:; frame-ancestors 'none'; base-uri 'none'"
	if captcha {
		csp += "; script-src 'nonce-" + nonce + "' 'strict-dynamic' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/" +
			"; frame-src https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/; connect-src https://www.google.com/recaptcha/"
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
}

// render writes p with status. The branding is read here, so every page,
// error pages included, looks like the environment's.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, p *page) error {
	b, err := h.pageBranding(r.Context())
	if err != nil {
		return err
	}
	p.Brand, p.OnPrimary, p.Nonce = b, b.onPrimary(), secure.RandomToken(16)
	p.Base = basePath(r)
	if p.View == "login" || p.View == "signup" {
		if p.CaptchaSiteKey, err = h.captchaSiteKey(r.Context()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return err
	}
	securityHeaders(w, p.Nonce, p.CaptchaSiteKey != "")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// basePath is "/frontegg" for pages served under the prefix the browser
// client adds, so the forms post back under it.
func basePath(r *http.Request) string {
	if len(r.URL.Path) >= 9 && r.URL.Path[:9] == "/frontegg" {
		return "/frontegg"
	}
	return ""
}

// captchaSiteKey returns the reCAPTCHA site key the forms carry, or "" when
// the captcha policy is off.
func (h *Handler) captchaSiteKey(ctx context.Context) (string, error) {
	if h.Captcha == nil {
		return "", nil
	}
	p, err := h.Captcha.Policy(ctx)
	if err != nil || !p.Enabled {
		return "", err
	}
	return p.SiteKey, nil
}

// message renders a page with a title, a message and an optional link.
func (h *Handler) message(w http.ResponseWriter, r *http.Request, status int, title, text string, l *link) error {
	p := &page{View: "message", Title: title, Link: l}
	if status >= 400 {
		p.Error = text
	} else {
		p.Info = text
	}
	return h.render(w, r, status, p)
}

// pageFailure renders err on an error page: a *pageError with its status and
// message, an *iam.Error with its deliberate message, anything else as a
// generic 500 whose cause is logged. Page handlers return what this returns,
// so the router writes nothing of its own.
func (h *Handler) pageFailure(w http.ResponseWriter, r *http.Request, err error) error {
	var pe *pageError
	var ie *iam.Error
	switch {
	case errors.As(err, &pe):
		return h.message(w, r, pe.status, "Something went wrong", pe.message, nil)
	case errors.As(err, &ie) && iam.KindOf(err) != iam.KindInternal:
		return h.message(w, r, statusOf(iam.KindOf(err)), "Something went wrong", ie.Message, nil)
	}
	h.Log.ErrorContext(r.Context(), "hosted login page failed", "path", r.URL.Path, "err", err)
	return h.message(w, r, http.StatusInternalServerError, "Something went wrong", "Something went wrong on our side. Please try again.", nil)
}

// ErrorPage shows err on Hatch's error page (an api.PageErrors): the
// errors the router meets before a page's handler runs (a rate limit, whose
// JSON answer a browser would show raw), and those of the other packages'
// routes that browsers reach in the middle of a hosted login (SSO and social
// callbacks). It returns an error only when the page could not be rendered.
func (h *Handler) ErrorPage(w http.ResponseWriter, r *http.Request, err error) error {
	var ie *iam.Error
	if errors.As(err, &ie) {
		switch k := iam.KindOf(err); k {
		case iam.KindRateLimited:
			return h.message(w, r, http.StatusTooManyRequests, "Too many attempts",
				"There have been too many attempts from here. Wait a little, then try again.", nil)
		case iam.KindUnauthorized, iam.KindForbidden:
			return h.message(w, r, statusOf(k), "Sign-in failed", strings.TrimRight(ie.Message, ".")+". Go back to the application and sign in again.", nil)
		}
	}
	return h.pageFailure(w, r, err)
}

func statusOf(k iam.Kind) int {
	switch k {
	case iam.KindInvalid:
		return http.StatusBadRequest
	case iam.KindUnauthorized:
		return http.StatusUnauthorized
	case iam.KindForbidden:
		return http.StatusForbidden
	case iam.KindNotFound:
		return http.StatusNotFound
	case iam.KindRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}
