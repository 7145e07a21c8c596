package audits_test

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
)

const (
	loginPath   = "/identity/resources/auth/v1/user"
	refreshPath = "/identity/resources/auth/v1/user/token/refresh"
	logoutPath  = "/identity/resources/auth/v1/logout"
	password    = "correct horse battery"
)

type entry struct {
	ID        string         `json:"_id"`
	TenantID  string         `json:"tenantId"`
	VendorID  string         `json:"vendorId"`
	User      string         `json:"user"`
	UserID    string         `json:"userId"`
	Email     string         `json:"email"`
	Action    string         `json:"action"`
	Resource  string         `json:"resource"`
	Severity  string         `json:"severity"`
	Outcome   string         `json:"outcome"`
	IP        string         `json:"ip"`
	UserAgent string         `json:"userAgent"`
	ActorID   string         `json:"actorId"`
	ActorType string         `json:"actorType"`
	ActorMail string         `json:"actorMail"`
	JSON      map[string]any `json:"json"`
	CreatedAt time.Time      `json:"createdAt"`
}

type page struct {
	Data  []entry `json:"data"`
	Total int     `json:"total"`
}

func get(t *testing.T, c *apitest.Client, path string) page {
	t.Helper()
	var p page
	c.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &p)
	return p
}

func actions(p page) []string {
	out := make([]string, len(p.Data))
	for i, e := range p.Data {
		out[i] = e.Action
	}
	return out
}

// world is an environment with some history: two accounts, logins good and
// bad, a logout, a replayed refresh token, a settings change.
type world struct {
	acme, other    *iam.Tenant
	ada, bob, carl *iam.User
}

func seed(t *testing.T, s *apitest.Server) *world {
	t.Helper()
	// Keep the history within one UTC day, for the stats.
	if d := s.Clock.Now().Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(s.Clock.Now()); d < time.Minute {
		s.Clock.Advance(d)
	}
	w := &world{acme: s.SeedTenant(t, "Acme"), other: s.SeedTenant(t, "Other")}
	w.ada = s.SeedUser(t, w.acme.TenantID, "ada@example.com", password)
	w.bob = s.SeedUser(t, w.acme.TenantID, "bob@example.com", password)
	w.carl = s.SeedUser(t, w.other.TenantID, "carl@example.com", password)
	s.GrantPermissions(t, w.ada.ID, w.acme.TenantID, "fe.secure.read.audits")
	anon := s.Anon().With("User-Agent", "audit-test")

	anon.Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "wrong"}).Want(t, 401)
	s.Clock.Advance(time.Second)
	anon.Do(t, "POST", loginPath, map[string]string{"email": "nobody@example.com", "password": "wrong"}).Want(t, 401)
	s.Clock.Advance(time.Second)
	_, first := s.Login(t, "ada@example.com", password)
	s.Clock.Advance(time.Second)
	anon.Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).Want(t, 201)
	anon.Do(t, "POST", refreshPath, map[string]string{"refreshToken": first.RefreshToken}).Want(t, 401) // replayed
	s.Clock.Advance(time.Second)
	_, second := s.Login(t, "ada@example.com", password)
	s.Clock.Advance(time.Second)
	anon.Do(t, "POST", logoutPath, map[string]string{"refreshToken": second.RefreshToken}).Want(t, 201)
	s.Clock.Advance(time.Second)
	s.Vendor(t).With("frontegg-tenant-id", w.acme.TenantID).Do(t, "POST", "/identity/resources/configurations/sessions/v1",
		map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 3600}}).Want(t, 201)
	s.Clock.Advance(time.Second)
	s.Login(t, "carl@example.com", password)
	s.Clock.Advance(time.Second)
	s.Anon().Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": "wrong"}).Want(t, 401)
	return w
}

func TestAuditLogRecordsSecurityEvents(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := seed(t, s)
		acme := s.Vendor(t).With("frontegg-tenant-id", w.acme.TenantID)
		p := get(t, acme, "/audits?offset=0&count=50")
		wantActions := []string{"Settings changed", "User logged out", "User logged in", "Refresh token reused", "User logged in", "User login failed"}
		if strings.Join(actions(p), "|") != strings.Join(wantActions, "|") || p.Total != len(wantActions) {
			t.Fatalf("account log, newest first: %q (total %d), want %q", actions(p), p.Total, wantActions)
		}
		byAction := map[string]entry{}
		for _, e := range p.Data {
			if e.TenantID != w.acme.TenantID || e.IP != "127.0.0.1" || e.VendorID != s.ClientID || e.ID == "" || e.CreatedAt.IsZero() {
				t.Errorf("entry %+v", e)
			}
			byAction[e.Action] = e
		}
		failed := byAction["User login failed"]
		if failed.UserID != w.ada.ID || failed.Email != "ada@example.com" || failed.User != "ada@example.com" ||
			failed.Outcome != "failure" || failed.Severity != "Medium" || failed.ActorID != w.ada.ID {
			t.Errorf("failed login %+v", failed)
		}
		in := byAction["User logged in"]
		if in.Outcome != "success" || in.Severity != "Info" || in.ActorType != "user" || in.JSON["sessionId"] == nil || in.UserAgent == "" {
			t.Errorf("login %+v", in)
		}
		if r := byAction["Refresh token reused"]; r.Severity != "High" || r.Outcome != "failure" || r.UserID != w.ada.ID {
			t.Errorf("replayed refresh %+v", r)
		}
		if c := byAction["Settings changed"]; c.ActorType != "vendor" || c.ActorID != s.ClientID || c.Resource != "Session configuration" {
			t.Errorf("settings change %+v", c)
		}

		// The vendor without an account sees everything, environment events too.
		all := get(t, s.Vendor(t), "/audits?count=200")
		if all.Total != len(wantActions)+3 {
			t.Fatalf("whole log: %q", actions(all))
		}
		var env []string
		for _, e := range all.Data {
			if e.TenantID == "" {
				env = append(env, e.Resource+": "+e.Action)
			}
		}
		if strings.Join(env, "|") != "Environment credentials: User login failed|Authentication: User login failed" {
			t.Errorf("environment events %q", env)
		}
		if p := get(t, s.Vendor(t), "/audits/resources/audits/v2?count=10&offset=0&tenant_ids="+w.other.TenantID); p.Total != 1 || p.Data[0].UserID != w.carl.ID {
			t.Errorf("v2 by tenant_ids: %+v", p)
		}
		if p := get(t, s.Vendor(t), "/audits?tenantId="+w.other.TenantID); p.Total != 1 {
			t.Errorf("v1 by tenantId: %+v", p)
		}
	})
}

func TestAuditLogFiltersAndPaging(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := seed(t, s)
		acme := s.Vendor(t).With("frontegg-tenant-id", w.acme.TenantID)
		future := url.QueryEscape(s.Clock.Now().Add(time.Hour).Format(time.RFC3339))
		logoutAt := url.QueryEscape(s.Clock.Now().Add(-3 * time.Second).Format(time.RFC3339))
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"action=User%20logged%20in", []string{"User logged in", "User logged in"}},
			{"severity=Medium", []string{"Settings changed", "User login failed"}},
			{"outcome=failure", []string{"Refresh token reused", "User login failed"}},
			{"filter=LOGGED", []string{"User logged out", "User logged in", "User logged in"}},
			{"filter=session%20config", []string{"Settings changed"}},
			{"email=ADA@example.com&action=User%20login%20failed", []string{"User login failed"}},
			{"users=" + w.ada.ID + "&severity=High", []string{"Refresh token reused"}},
			{"users[]=" + w.bob.ID, []string{}},
			{"count=2&offset=1", []string{"User logged out", "User logged in"}},
			{"count=2&offset=0&sortDirection=asc", []string{"User login failed", "User logged in"}},
			{"sortBy=action&sortDirection=asc&count=3", []string{"Refresh token reused", "Settings changed", "User logged in"}},
			{"created_from=" + future, []string{}},
			{"created_from=" + logoutAt + "&created_to=" + future, []string{"Settings changed", "User logged out"}},
		} {
			p := get(t, acme, "/audits?"+tc.query)
			if got := actions(p); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%s: %q, want %q", tc.query, got, tc.want)
			}
		}
		if p := get(t, acme, "/audits?count=2"); p.Total != 6 || len(p.Data) != 2 {
			t.Errorf("a page of 2 of 6: %d of %d", len(p.Data), p.Total)
		}
		for _, tc := range []struct{ query, want string }{
			{"count=0", "count must be an integer between 1 and 200"},
			{"count=201", "count must be an integer between 1 and 200"},
			{"offset=-1", "offset must be an integer between 0 and"},
			{"sortDirection=up", "sortDirection must be one of asc, desc"},
			{"created_from=yesterday", "created_from must be a date-time"},
		} {
			acme.Do(t, "GET", "/audits?"+tc.query, nil).WantError(t, 400, tc.want)
		}
	})
}

func TestAuditLogAccess(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := seed(t, s)
		ada, _ := s.Login(t, "ada@example.com", password)
		bob, _ := s.Login(t, "bob@example.com", password)
		// An account user with the permission sees only the active account's
		// log, whatever the query asks for.
		for _, path := range []string{"/audits", "/audits/", "/frontegg/audits?tenantId=" + w.other.TenantID, "/audits/resources/audits/v2?tenant_ids=" + w.other.TenantID} {
			p := get(t, ada, path)
			for _, e := range p.Data {
				if e.TenantID != w.acme.TenantID {
					t.Fatalf("%s: entry of %q", path, e.TenantID)
				}
			}
			if p.Total < 6 {
				t.Fatalf("%s: %d entries", path, p.Total)
			}
		}
		bob.Do(t, "GET", "/audits", nil).WantError(t, 403, "Insufficient permissions")
		bob.Do(t, "GET", "/audits/stats", nil).WantError(t, 403, "Insufficient permissions")
		s.Anon().Do(t, "GET", "/audits", nil).WantError(t, 401, "Unauthorized")
		// Only the vendor adds entries.
		ada.Do(t, "POST", "/audits", map[string]any{"severity": "Info"}).WantError(t, 403, "does not accept this kind of token")
	})
}

func TestAuditStatsExportAndCustomEntries(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := seed(t, s)
		acme := s.Vendor(t).With("frontegg-tenant-id", w.acme.TenantID)

		acme.Do(t, "POST", "/audits", map[string]any{"action": "x"}).WantError(t, 400, "severity must be one of Info, Medium, High, Critical, Error")
		acme.Do(t, "POST", "/audits", map[string]any{"severity": "Low"}).WantError(t, 400, "severity must be one of")
		acme.Do(t, "POST", "/audits", map[string]any{"severity": "Info", "email": 5}).WantError(t, 400, "email must be of type string")
		s.Vendor(t).Do(t, "POST", "/audits", map[string]any{"severity": "Info"}).WantError(t, 400, "frontegg-tenant-id header is required")
		acme.Do(t, "POST", "/audits/", map[string]any{"severity": "Critical", "action": "=HYPERLINK(\"http://evil\")",
			"user": "ops", "email": "ops@acme.test", "resource": "Billing", "invoice": "INV-7"}).Want(t, 202)

		p := get(t, acme, "/audits?severity=Critical")
		if len(p.Data) != 1 || p.Data[0].Resource != "Billing" || p.Data[0].Email != "ops@acme.test" || p.Data[0].JSON["invoice"] != "INV-7" ||
			p.Data[0].ActorType != "vendor" {
			t.Fatalf("custom entry %+v", p.Data)
		}

		stats := acme.Do(t, "GET", "/audits/stats", nil).Want(t, 200).Map(t)
		if stats["totalToday"] != 7.0 || stats["severeThisWeek"] != 2.0 { // the replayed refresh and the custom entry
			t.Errorf("stats %v", stats)
		}

		props := map[string]any{"properties": []map[string]string{
			{"name": "action", "displayName": "Action"}, {"name": "email", "displayName": "Email"},
			{"name": "invoice", "displayName": "Invoice"}, {"name": "severity", "displayName": "Severity"},
		}}
		for _, tc := range []struct {
			path   string
			status int
		}{{"/audits/export/csv?severity=Critical", 201}, {"/audits/export/csv/v2?severity=Critical", 201}, {"/audits/resources/audits/v2/export/csv?severity=Critical", 200}} {
			res := acme.Do(t, "POST", tc.path, props).Want(t, tc.status)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("%s: content type %q", tc.path, ct)
			}
			rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{{"Action", "Email", "Invoice", "Severity"}, {`'=HYPERLINK("http://evil")`, "ops@acme.test", "INV-7", "Critical"}}
			if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(want[0], ",") || strings.Join(rows[1], ",") != strings.Join(want[1], ",") {
				t.Fatalf("%s: rows %q, want %q", tc.path, rows, want)
			}
		}
		res := acme.Do(t, "POST", "/audits/export/csv", map[string]any{"properties": []map[string]string{{"name": "action", "displayName": "Action"}}}).Want(t, 201)
		if rows, _ := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll(); len(rows) != 8 {
			t.Errorf("full export: %d rows, want a header and 7 entries", len(rows))
		}
		acme.Do(t, "POST", "/audits/export/csv", map[string]any{}).WantError(t, 400, "properties is required")
		acme.Do(t, "POST", "/audits/export/csv", map[string]any{"properties": []map[string]string{{"displayName": "X"}}}).WantError(t, 400, "properties[0].name is required")

		s.Clock.Advance(8 * 24 * time.Hour)
		var fresh struct{ Token string }
		s.Anon().Do(t, "POST", "/auth/vendor", map[string]string{"clientId": s.ClientID, "secret": s.APIKey}).Want(t, 200).JSON(t, &fresh)
		stats = s.Anon().With("Authorization", "Bearer "+fresh.Token).With("frontegg-tenant-id", w.acme.TenantID).
			Do(t, "GET", "/audits/stats", nil).Want(t, 200).Map(t)
		if stats["totalToday"] != 0.0 || stats["severeThisWeek"] != 0.0 {
			t.Errorf("stats a week later %v", stats)
		}
	})
}
