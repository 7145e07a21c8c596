package apitest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/app"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/mail/mailtest"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms/smstest"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// FastArgon2 keeps password hashing cheap in tests; production parameters are
// measured by benchmarks, not paid by every test.
var FastArgon2 = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// Clock is a settable clock shared by the server under test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Server is a running Hatch under test.
type Server struct {
	*httptest.Server
	App      *app.App
	DB       *store.DB
	ClientID string
	APIKey   string
	Clock    *Clock
	Hasher   *secure.Hasher
	Mail     *mailtest.Server // the SMTP server the app sends through (HATCH_SMTP_URL)
	// SMS speaks Twilio's messaging API at HATCH_TWILIO_API_URL. The app
	// sends through it once an SMS provider is configured: ConfigureSMS.
	SMS *smstest.Server

	vendorOnce  sync.Once
	vendorToken string

	rawURL  string
	rawOnce sync.Once
	raw     *sql.DB
}

// Option changes the configuration of a Server before it starts.
type Option func(*config.Config)

// Each runs fn against a fresh server on every database.
func Each(t *testing.T, fn func(t *testing.T, s *Server), opts ...Option) {
	t.Helper()
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		fn(t, New(t, rawURL, opts...))
	})
}

// New starts a server on the database at rawURL; it stops when the test ends.
func New(t testing.TB, rawURL string, opts ...Option) *Server {
	t.Helper()
	return start(t, rawURL, &Clock{now: time.Now().UTC().Truncate(time.Second)}, uuid.NewString(), secure.RandomToken(24), opts)
}

// Node starts another node of s: a server on the same database, in the same
// environment, reading the same clock (nodes' clocks agree in production,
// where NTP keeps them within far less than the revocation polls' overlap).
func (s *Server) Node(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return start(t, s.rawURL, s.Clock, s.ClientID, s.APIKey, opts)
}

func start(t testing.TB, rawURL string, clock *Clock, clientID, apiKey string, opts []Option) *Server {
	t.Helper()
	s := &Server{
		ClientID: clientID,
		APIKey:   apiKey,
		Clock:    clock,
		Hasher:   secure.NewHasher(FastArgon2),
		Mail:     mailtest.Start(t, mailtest.Options{}),
		SMS:      smstest.Start(t, "AC"+strings.ReplaceAll(uuid.NewString(), "-", ""), secure.RandomToken(16)),
	}
	s.Server = httptest.NewUnstartedServer(nil)
	cfg := &config.Config{
		Addr:           s.Listener.Addr().String(),
		DatabaseURL:    rawURL,
		BaseURL:        "http://" + s.Listener.Addr().String(),
		ClientID:       s.ClientID,
		APIKey:         s.APIKey,
		MasterKey:      base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{42}, 32)),
		MailFrom:       "hatch@example.test",
		SMTPURL:        s.Mail.URL(),
		LogLevel:       "warn",
		LogFormat:      "text",
		MaxBodyBytes:   64 << 10,
		ShutdownGrace:  time.Second,
		OutboxInterval: 50 * time.Millisecond,
	}
	// Production's rate limits and captcha endpoint: the suite runs under the
	// defaults, which it must never trip.
	defaults, err := config.Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RateLimitAddress, cfg.RateLimitIdentifier = defaults.RateLimitAddress, defaults.RateLimitIdentifier
	cfg.RecaptchaVerifyURL = defaults.RecaptchaVerifyURL
	cfg.TwilioAPIURL = s.SMS.URL
	for _, o := range opts {
		o(cfg)
	}
	level := slog.LevelWarn
	if os.Getenv("HATCH_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	a, err := app.New(context.Background(), cfg, app.Options{Log: log, Now: s.Clock.Now, Argon2: &FastArgon2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.Start(ctx)
	s.App, s.DB, s.rawURL = a, a.DB(), rawURL
	s.Config.Handler = a.Handler()
	s.Start()
	t.Cleanup(func() {
		s.Close()
		cancel()
		a.Close()
	})
	return s
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Anon returns a client without credentials, with its own cookie jar.
func (s *Server) Anon() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{s: s, header: http.Header{}, http: &http.Client{Jar: jar, CheckRedirect: noRedirect}}
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Vendor returns a client holding the environment token, obtained once per server.
func (s *Server) Vendor(t testing.TB) *Client {
	t.Helper()
	s.vendorOnce.Do(func() {
		var out struct{ Token string }
		s.Anon().Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": s.APIKey}).Want(t, 200).JSON(t, &out)
		s.vendorToken = out.Token
	})
	return s.Anon().With("Authorization", "Bearer "+s.vendorToken)
}

// LoginResponse is what the login route answers.
type LoginResponse struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
	MFARequired  bool   `json:"mfaRequired"`
	UserID       string `json:"userId"`
}

// Login logs in with email and password and returns a client holding the
// access token (and the refresh cookie in its jar), with the response.
func (s *Server) Login(t testing.TB, email, password string) (*Client, LoginResponse) {
	t.Helper()
	c := s.Anon()
	var out LoginResponse
	c.Do(t, "POST", "/identity/resources/auth/v1/user", map[string]string{"email": email, "password": password}).Want(t, 200).JSON(t, &out)
	if out.AccessToken == "" {
		t.Fatalf("login of %s gave no access token", email)
	}
	return c.With("Authorization", "Bearer "+out.AccessToken), out
}

// Exec runs q on the server's database through a connection of its own, for
// rows no route creates yet (roles, permissions). Tests only: the
// application's SQL lives in the store.
func (s *Server) Exec(t testing.TB, q string, args ...any) {
	t.Helper()
	s.rawOnce.Do(func() {
		driver, dsn := "pgx", s.rawURL
		if path, ok := strings.CutPrefix(s.rawURL, "sqlite:"); ok {
			driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		raw.SetMaxOpenConns(1)
		s.raw = raw
		t.Cleanup(func() { raw.Close() })
	})
	if _, err := s.raw.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// OutboxSize returns how many messages the outbox holds, whatever their status.
func (s *Server) OutboxSize(t testing.TB) int {
	t.Helper()
	counts, err := s.DB.CountMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// SMSSender is the sender number ConfigureSMS configures.
const SMSSender = "+15005550006"

// ConfigureSMS makes s.SMS the environment's SMS provider through the vendor
// API, with SMSSender as the sender.
func (s *Server) ConfigureSMS(t testing.TB) {
	t.Helper()
	s.Vendor(t).Do(t, "POST", "/identity/resources/configurations/v1/sms", map[string]string{
		"provider": "twilio", "accountId": s.SMS.AccountSID, "token": s.SMS.AuthToken, "senderName": SMSSender,
	}).Want(t, 201)
}

// SeedTenant creates an account directly in storage.
func (s *Server) SeedTenant(t testing.TB, name string) *iam.Tenant {
	t.Helper()
	now := s.Clock.Now()
	id := uuid.NewString()
	tn := &iam.Tenant{ID: id, TenantID: id, Name: name, Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	if err := s.DB.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return tn
}

// SeedUser creates a verified user with password in tenantID directly in storage.
func (s *Server) SeedUser(t testing.TB, tenantID, email, password string) *iam.User {
	t.Helper()
	now := s.Clock.Now()
	u := &iam.User{ID: uuid.NewString(), Email: email, Name: strings.Split(email, "@")[0], Verified: true,
		Metadata: "{}", Provider: "local", ActiveTenantID: tenantID, CreatedAt: now, UpdatedAt: now}
	if password != "" {
		u.PasswordHash = s.Hasher.Hash(password)
	}
	err := s.DB.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.CreateUser(context.Background(), store.NewUser{User: u, TenantID: tenantID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Client calls the server under test.
type Client struct {
	s      *Server
	header http.Header
	http   *http.Client
}

// With returns a copy of c that also sends the header.
func (c *Client) With(name, value string) *Client {
	h := c.header.Clone()
	h.Set(name, value)
	return &Client{s: c.s, header: h, http: c.http}
}

// Response is a finished call.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	req    string
}

// Do sends body (JSON-encoded unless it is a string or nil) to path. A 2xx
// answer that departs from the shape Frontegg documents for it fails the test
// (see checkShape).
func (c *Client) Do(t testing.TB, method, path string, body any) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.header.Clone()
	if req.Header.Get("Content-Type") == "" { // With("Content-Type", …) sends another body type
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkShape(t, method, path, resp.StatusCode, raw)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw, req: method + " " + path}
}

// Want fails the test unless the status is status.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body: %s", r.req, r.Status, status, r.Body)
	}
	return r
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// WantError fails the test unless the response is a Frontegg error with status
// and, when contains is not "", a message containing it.
func (r *Response) WantError(t testing.TB, status int, contains string) {
	t.Helper()
	r.Want(t, status)
	var e struct {
		Errors []string `json:"errors"`
	}
	r.JSON(t, &e)
	if len(e.Errors) == 0 || !strings.Contains(e.Errors[0], contains) {
		t.Fatalf("%s: errors %q, want one containing %q", r.req, e.Errors, contains)
	}
}

// Cookie returns the value of the named cookie the client's jar holds for the server.
func (c *Client) Cookie(name string) string {
	u, _ := http.NewRequest("GET", c.s.URL+"/", nil)
	for _, ck := range c.http.Jar.Cookies(u.URL) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
