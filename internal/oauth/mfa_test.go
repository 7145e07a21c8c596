package oauth

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// The second-factor step and the SSO redirect come from other packages
// through the MFA and SSO interfaces (wired in internal/app; page_mfa_test.go
// and idp_test.go drive the real ones). These tests stand in for them at the
// interface (the only fakes in this package's tests) to show the page's side
// alone, and the page without them: the code form, a refused code, the
// finished login, the SSO redirect and buttons.

type challengedAccounts struct{}

func (challengedAccounts) PasswordLogin(r *http.Request, email, password, recaptcha string) (*login.Result, error) {
	if password != "right" {
		return nil, login.ErrLoginFailed
	}
	return &login.Result{Response: &login.Response{MFARequired: true, MFAToken: "mfa-token-1"}}, nil
}
func (challengedAccounts) SendPasswordReset(context.Context, string) error { return nil }
func (challengedAccounts) SignUp(*http.Request, string, string, string, string, string) (*login.Result, error) {
	return nil, nil
}

type codeMFA struct{ sess *iam.Session }

func (m codeMFA) Devices(_ context.Context, mfaToken string) (*login.MFADevices, error) {
	if mfaToken != "mfa-token-1" {
		return nil, iam.Unauthorized("MFA token is invalid or expired")
	}
	return &login.MFADevices{Authenticators: []login.IDOnly{{ID: "app"}}}, nil
}

func (m codeMFA) Send(context.Context, string, string, string) (string, error) {
	return "", iam.Invalid("no codes are sent here")
}

func (m codeMFA) Verify(w http.ResponseWriter, r *http.Request, mfaToken, method, otcToken, code string, remember bool) (*login.Result, error) {
	if mfaToken != "mfa-token-1" || code != "123456" {
		return nil, iam.Unauthorized("Invalid verification code")
	}
	return &login.Result{Response: &login.Response{AccessToken: "a"}, RefreshToken: "refresh-1", RefreshExpires: time.Now().Add(time.Hour),
		SessionID: m.sess.ID, User: &iam.User{ID: m.sess.UserID}}, nil
}

type domainSSO struct{}

func (domainSSO) Prelogin(_ http.ResponseWriter, _ *http.Request, email, returnTo string) (string, bool, error) {
	if strings.HasSuffix(email, "@corp.example") {
		return "https://idp.corp.example/sso?return=" + url.QueryEscape(returnTo), true, nil
	}
	return "", false, nil
}
func (domainSSO) Providers(_ context.Context, returnTo string) ([]Provider, error) {
	return []Provider{{Name: "GitHub", URL: "https://github.example/login?return=" + url.QueryEscape(returnTo)}}, nil
}

func TestMFAStepAndSSO(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		const redirect = "https://app.example.com/cb"
		sess := &iam.Session{ID: "sess-1", UserID: "user-1", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, sess, "hash", now.Add(time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		h := &Handler{DB: db, Settings: &policy.Settings{DB: db, Now: time.Now}, Cookies: &login.Cookies{ClientID: "env"},
			Accounts: challengedAccounts{}, MFA: codeMFA{sess}, SSO: domainSSO{}, Applications: oneApp{"app", redirect}, BaseURL: "https://hatch.example", ClientID: "env",
			SecretKey: []byte("0123456789abcdef0123456789abcdef"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
		q := url.Values{"response_type": {"code"}, "client_id": {"app"}, "redirect_uri": {redirect}, "state": {"s1"}, "scope": {"openid"}}
		w := httptest.NewRecorder()
		h.authorize(w, httptest.NewRequest("GET", "/oauth/authorize?"+q.Encode(), nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Continue with GitHub") || !strings.Contains(w.Body.String(), "single sign-on") {
			t.Fatalf("login page %d: %.500s", w.Code, w.Body)
		}
		cookies := w.Result().Cookies()
		form := hiddenOf(w.Body.String())
		post := func(handler func(http.ResponseWriter, *http.Request) error, f url.Values) *httptest.ResponseRecorder {
			r := httptest.NewRequest("POST", "/oauth/login", strings.NewReader(f.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range cookies {
				r.AddCookie(c)
			}
			w := httptest.NewRecorder()
			if err := handler(w, r); err != nil {
				t.Fatal(err)
			}
			return w
		}

		// A claimed domain goes to its identity provider, with the request to come back to.
		f := with(form, "email", "bob@corp.example")
		w = post(h.loginSubmit, f)
		if loc := w.Header().Get("Location"); w.Code != 303 || !strings.HasPrefix(loc, "https://idp.corp.example/sso?return=") ||
			!strings.Contains(loc, url.QueryEscape("https://hatch.example/oauth/authorize?")) {
			t.Fatalf("sso redirect %d %s", w.Code, loc)
		}
		if w = post(h.ssoSubmit, with(form, "email", "ada@example.com")); w.Code != 400 || !strings.Contains(w.Body.String(), "not set up") {
			t.Fatalf("sso for an unclaimed domain: %d", w.Code)
		}

		// The password passes; the second factor is asked for.
		f = with(with(form, "email", "ada@example.com"), "password", "right")
		w = post(h.loginSubmit, f)
		mfaForm := hiddenOf(w.Body.String())
		if w.Code != 200 || mfaForm.Get("mfaToken") != "mfa-token-1" || !strings.Contains(w.Body.String(), `autocomplete="one-time-code"`) {
			t.Fatalf("mfa form %d: %.500s", w.Code, w.Body)
		}
		if w = post(h.mfaSubmit, with(mfaForm, "code", "000000")); w.Code != 401 || !strings.Contains(w.Body.String(), "Invalid verification code") {
			t.Fatalf("wrong code: %d", w.Code)
		}
		w = post(h.mfaSubmit, with(mfaForm, "code", "123456"))
		loc, _ := url.Parse(w.Header().Get("Location"))
		if w.Code != 303 || loc == nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "s1" {
			t.Fatalf("after mfa: %d %v", w.Code, loc)
		}
		if !strings.Contains(w.Header().Get("Set-Cookie"), login.CookieName("env")+"=refresh-1") {
			t.Fatalf("no refresh cookie: %v", w.Header())
		}
		// Without a second factor wired in, the page says it cannot finish.
		h.MFA = nil
		if w = post(h.loginSubmit, f); w.Code != 403 || !strings.Contains(w.Body.String(), "two-step verification") {
			t.Fatalf("mfa required without MFA: %d", w.Code)
		}
	})
}

var hiddenInputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func hiddenOf(body string) url.Values {
	out := url.Values{}
	for _, m := range hiddenInputRE.FindAllStringSubmatch(body, -1) {
		out.Set(m[1], m[2])
	}
	return out
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}
