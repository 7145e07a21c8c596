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

	"github.com/hatchid/hatch/internal/apitest"
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
	Status   int
	Header   http.Header
	Body     string
	Location *url.URL
}

func (b *browser) do(t *testing.T, req *http.Request) *reply {
	t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := &reply{Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if loc := resp.Header.Get("Location"); loc != "" {
		out.Location, err = url.Parse(loc)
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

// post submits a form to a path on the server.
func (b *browser) post(t *testing.T, path string, form url.Values) *reply {
	t.Helper()
	req, err := http.NewRequest("POST", b.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(t, req)
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
