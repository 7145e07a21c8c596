package oauth_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/factors/factorstest"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

// browser is a user agent with a cookie jar that does not follow redirects,
// so tests see each step of the flow.
type browser struct {
	s    *apitest.Server
	http *http.Client
}

func newBrowser(s *apitest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// reply is a finished browser request.
type reply struct {
	URL      *url.URL // what was requested
	Status   int
	Header   http.Header
	Body     string
	Location *url.URL // absolute
}

func (b *browser) do(t *testing.T, req *http.Request) *reply {
	t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := &reply{URL: req.URL, Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if loc := resp.Header.Get("Location"); loc != "" {
		out.Location, err = req.URL.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// cookie returns the value of the named cookie the browser holds for the server.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.s.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// get fetches a URL (absolute, or a path on the server).
func (b *browser) get(t *testing.T, target string) *reply {
	t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.s.URL + target
	}
	req, err := http.NewRequest("GET", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.do(t, req)
}

// post submits a form to a path on the server, or to an absolute URL.
func (b *browser) post(t *testing.T, path string, form url.Values) *reply {
	t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.s.URL + path
	}
	req, err := http.NewRequest("POST", path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(t, req)
}

// follow goes on from r as a browser would — along redirects to any host,
// and through an identity provider's auto-submitting form (the SAML
// HTTP-POST binding) — until it is sent to the application's redirect URI,
// which it returns, or shows a page, which it returns instead.
func (b *browser) follow(t *testing.T, r *reply) (*url.URL, *reply) {
	t.Helper()
	for range 20 {
		switch {
		case r.Location != nil && strings.HasPrefix(r.Location.String(), redirect):
			return r.Location, nil
		case r.Location != nil:
			r = b.get(t, r.Location.String())
		case r.Status == http.StatusOK && strings.Contains(r.Body, `name="SAMLResponse"`):
			action, fields := ssotest.PostedForm(r.Body)
			r = b.post(t, action, fields)
		default:
			return nil, r
		}
	}
	t.Fatalf("too many redirects, last at %s", r.URL)
	return nil, nil
}

// arrive follows r to the application's redirect URI and returns it,
// failing when a page stops the browser on the way.
func (b *browser) arrive(t *testing.T, r *reply) *url.URL {
	t.Helper()
	back, shown := b.follow(t, r)
	if shown != nil {
		t.Fatalf("stopped at %s: %d %.1000s", shown.URL, shown.Status, shown.Body)
	}
	return back
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hidden returns the hidden fields of a page's form.
func (r *reply) hidden() url.Values {
	out := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(r.Body, -1) {
		out.Set(m[1], html.UnescapeString(m[2]))
	}
	return out
}

// want fails unless the status is status.
func (r *reply) want(t *testing.T, status int) *reply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %.2000s", r.Status, status, r.Body)
	}
	return r
}

// signIn opens authorizeURL, submits the login form with email and password,
// and returns where Hatch sends the browser (the application's redirect URI
// with a code, normally).
func (b *browser) signIn(t *testing.T, authorizeURL, email, password string) *url.URL {
	t.Helper()
	page := b.get(t, authorizeURL).want(t, 200)
	form := page.hidden()
	form.Set("email", email)
	form.Set("password", password)
	r := b.post(t, "/oauth/login", form).want(t, 303)
	return r.Location
}

// appURL is the URL of the applications the tests register.
const appURL = "https://app.example.com"

// registerApp creates an application through the vendor API with the given
// redirect URLs, and returns its client id (the application's id) and its
// client secret (from its credentials).
func registerApp(t *testing.T, s *apitest.Server, redirects ...string) (string, string) {
	t.Helper()
	v := s.Vendor(t)
	var app struct{ ID string }
	v.Do(t, "POST", "/applications/resources/applications/v1", map[string]any{
		"name": "Test app", "appURL": appURL, "loginURL": appURL + "/login", "redirectURLs": redirects,
		"logoutURLs": []string{appURL + "/bye"},
	}).Want(t, 201).JSON(t, &app)
	var creds struct{ ClientSecret, SharedSecret string }
	v.Do(t, "GET", "/applications/resources/applications/v1/credentials/"+app.ID, nil).Want(t, 200).JSON(t, &creds)
	if app.ID == "" || len(creds.ClientSecret) < 40 {
		t.Fatalf("application %q with secret %q", app.ID, creds.ClientSecret)
	}
	return app.ID, creds.ClientSecret
}

// seedUser makes an account with a verified user who has a password.
func seedUser(t *testing.T, s *apitest.Server, email string) string {
	t.Helper()
	tn := s.SeedTenant(t, "Acme")
	s.SeedUser(t, tn.TenantID, email, "correct horse battery")
	return tn.TenantID
}

const password = "correct horse battery"

// refreshCookieName is the name of the server's refresh cookie.
func refreshCookieName(s *apitest.Server) string { return login.CookieName(s.ClientID) }

// enrollAuthenticator enrolls an authenticator app for the user with email
// (who has the test password and no second factor yet) and returns its seed
// and recovery code. The clock then moves on a time step, so that the next
// code is a new one.
func enrollAuthenticator(t *testing.T, s *apitest.Server, email string) (secret, recovery string) {
	t.Helper()
	c, _ := s.Login(t, email, password)
	var e struct{ Secret string }
	c.Do(t, "POST", "/identity/resources/users/v1/mfa/authenticator/enroll", nil).Want(t, 200).JSON(t, &e)
	var out struct{ RecoveryCode string }
	c.Do(t, "POST", "/identity/resources/users/v1/mfa/authenticator/enroll/verify",
		map[string]string{"token": factorstest.Code(t, e.Secret, s.Clock.Now())}).Want(t, 200).JSON(t, &out)
	if e.Secret == "" || out.RecoveryCode == "" {
		t.Fatalf("enrollment: seed %q, recovery code %q", e.Secret, out.RecoveryCode)
	}
	s.Clock.Advance(30 * time.Second)
	return e.Secret, out.RecoveryCode
}
