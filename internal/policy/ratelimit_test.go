package policy_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/store/storetest"
)

const loginPath = "/identity/resources/auth/v1/user"

func withRateLimits(address, identifier config.RateLimit) apitest.Option {
	return func(c *config.Config) { c.RateLimitAddress, c.RateLimitIdentifier = address, identifier }
}

// wantLimited checks a 429 with Retry-After and X-Rate-Limit-Reset agreeing
// with the window that ends at reset.
func wantLimited(t *testing.T, r *apitest.Response, now, reset time.Time) {
	t.Helper()
	r.WantError(t, 429, "Too many requests")
	if got, want := r.Header.Get("Retry-After"), strconv.Itoa(int(reset.Sub(now).Seconds())); got != want {
		t.Errorf("Retry-After %q, want %q", got, want)
	}
	got, err := time.Parse(time.RFC3339, r.Header.Get("X-Rate-Limit-Reset"))
	if err != nil || !got.Equal(reset) {
		t.Errorf("X-Rate-Limit-Reset %q, want %s", r.Header.Get("X-Rate-Limit-Reset"), reset.Format(time.RFC3339))
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t) // one public request: POST /auth/vendor
		anon := s.Anon()
		for range 4 {
			anon.Do(t, "POST", loginPath, map[string]string{"email": "a@example.com", "password": "x"}).Want(t, 401)
		}
		now := s.Clock.Now()
		reset := now.Truncate(time.Minute).Add(time.Minute)
		// Every public route shares the address's count, with or without the prefix.
		wantLimited(t, anon.Do(t, "POST", "/frontegg"+loginPath, map[string]string{"email": "b@example.com", "password": "x"}), now, reset)
		wantLimited(t, anon.Do(t, "GET", "/identity/resources/users/v1/passwords/config", nil), now, reset)
		wantLimited(t, anon.Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": s.APIKey}), now, reset)
		// Authenticated routes and the operational ones are not limited.
		v.Do(t, "GET", "/identity/resources/configurations/v1/lockout-policy", nil).Want(t, 200)
		anon.Do(t, "GET", "/healthz", nil).Want(t, 200)
		// The next window starts afresh.
		s.Clock.Advance(reset.Sub(now))
		anon.Do(t, "POST", loginPath, map[string]string{"email": "a@example.com", "password": "x"}).Want(t, 401)
	}, withRateLimits(config.RateLimit{Limit: 5, Window: time.Minute}, config.RateLimit{}))
}

func TestRateLimitPerIdentifier(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		anon := s.Anon()
		for range 2 {
			anon.Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "wrong"}).Want(t, 401)
		}
		anon.Do(t, "POST", loginPath, map[string]string{"email": " ADA@example.com ", "password": "correct horse battery"}).Want(t, 200)
		now := s.Clock.Now()
		reset := now.Truncate(time.Hour).Add(time.Hour)
		// The 4th request naming ada is refused, even with the right password,
		// from another client, and under another field name…
		wantLimited(t, s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "correct horse battery"}), now, reset)
		wantLimited(t, s.Anon().Do(t, "POST", "/identity/resources/users/v1/passwords/reset",
			map[string]string{"identifier": "ada@example.com", "identifierType": "email"}), now, reset)
		// …and an account that does not exist is limited alike.
		for range 3 {
			anon.Do(t, "POST", loginPath, map[string]string{"email": "ghost@example.com", "password": "wrong"}).Want(t, 401)
		}
		wantLimited(t, anon.Do(t, "POST", loginPath, map[string]string{"email": "ghost@example.com", "password": "wrong"}), now, reset)
		// Other identifiers from the same address are not affected.
		anon.Do(t, "POST", loginPath, map[string]string{"email": "bob@example.com", "password": "wrong"}).Want(t, 401)
		s.Clock.Advance(reset.Sub(now))
		s.Login(t, "ada@example.com", "correct horse battery")
	}, withRateLimits(config.RateLimit{}, config.RateLimit{Limit: 3, Window: time.Hour}))
}

func TestRateLimitKeepsTheBody(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		// The limiter reads the body to find identifiers; handlers still get
		// it whole, and an oversized body still gets 413.
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "correct horse battery")
		s.Login(t, "ada@example.com", "correct horse battery")
		s.Anon().Do(t, "POST", loginPath, strings.Repeat(" ", 70<<10)+`{"email":"ada@example.com"}`).WantError(t, 413, "larger than")
		s.Anon().Do(t, "POST", loginPath, "{not json").WantError(t, 400, "not valid JSON")
	})
}

func TestRateLimitsAreSharedAcrossNodes(t *testing.T) {
	// Two servers on one database count together, as nodes behind a load balancer do.
	limits := withRateLimits(config.RateLimit{Limit: 3, Window: time.Hour}, config.RateLimit{})
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		a := apitest.New(t, rawURL, limits)
		b := a.Node(t, limits)
		nodes := []*apitest.Server{a, b}
		for i := range 3 {
			nodes[i%2].Anon().Do(t, "POST", loginPath, map[string]string{"email": "a@example.com", "password": "x"}).Want(t, 401)
		}
		r := b.Anon().Do(t, "POST", loginPath, map[string]string{"email": "a@example.com", "password": "x"})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("4th request across two nodes: %d, want 429", r.Status)
		}
	})
}

func TestRateLimitGroupsIPv6By64(t *testing.T) {
	trustLoopback := func(c *config.Config) {
		_, n, _ := net.ParseCIDR("127.0.0.1/32")
		c.TrustedProxies = []*net.IPNet{n}
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		from := func(addr string) *apitest.Response {
			return s.Anon().With("X-Forwarded-For", addr).Do(t, "POST", loginPath, map[string]string{"email": "a@example.com", "password": "x"})
		}
		from("2001:db8:0:1::1").Want(t, 401)
		from("2001:db8:0:1::2").Want(t, 401)
		from("2001:db8:0:1:ffff::3").WantError(t, 429, "Too many requests") // same /64
		from("2001:db8:0:2::1").Want(t, 401)                                // another /64
		from("192.0.2.1").Want(t, 401)
		from("192.0.2.2").Want(t, 401) // IPv4 addresses count one by one
	}, trustLoopback, withRateLimits(config.RateLimit{Limit: 2, Window: time.Minute}, config.RateLimit{}))
}
