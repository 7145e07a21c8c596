package sessions_test

import (
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
)

const (
	cfgPath     = "/identity/resources/configurations/sessions/v1"
	mePath      = "/identity/resources/users/sessions/v1/me"
	revokePath  = "/identity/resources/users/sessions/v1/revoke"
	loginPath   = "/identity/resources/auth/v1/user"
	refreshPath = "/identity/resources/auth/v1/user/token/refresh"
	password    = "correct horse battery"
)

// session is one login: its tokens, and a client holding its access token.
type session struct {
	apitest.LoginResponse
	c *apitest.Client
}

// login logs email in with the given user agent.
func login(t *testing.T, s *apitest.Server, email, userAgent string) *session {
	t.Helper()
	var out session
	s.Anon().With("User-Agent", userAgent).Do(t, "POST", loginPath, map[string]string{"email": email, "password": password}).
		Want(t, 200).JSON(t, &out.LoginResponse)
	out.c = s.Anon().With("Authorization", "Bearer "+out.AccessToken)
	return &out
}

// refresh rotates the session's refresh token and returns the status.
func (ss *session) refresh(t *testing.T, s *apitest.Server) int {
	t.Helper()
	var next apitest.LoginResponse
	res := s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": ss.RefreshToken})
	if res.Status == 201 {
		res.JSON(t, &next)
		ss.LoginResponse = next
		ss.c = s.Anon().With("Authorization", "Bearer "+next.AccessToken)
	}
	return res.Status
}

type sessionJSON struct {
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	IPAddress string    `json:"ipAddress"`
	UserAgent string    `json:"userAgent"`
	CreatedAt time.Time `json:"createdAt"`
	Expires   time.Time `json:"expires"`
	Current   bool      `json:"current"`
}

func list(t *testing.T, c *apitest.Client) []sessionJSON {
	t.Helper()
	var out []sessionJSON
	c.Do(t, "GET", mePath, nil).Want(t, 200).JSON(t, &out)
	return out
}

func ids(list []sessionJSON) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

// sid returns the session id of an access token's session.
func sid(t *testing.T, ss *session) string {
	t.Helper()
	var cur sessionJSON
	ss.c.Do(t, "GET", mePath+"/current", nil).Want(t, 200).JSON(t, &cur)
	return cur.ID
}

func account(t *testing.T, s *apitest.Server, emails ...string) (*iam.Tenant, []*iam.User) {
	t.Helper()
	tn := s.SeedTenant(t, "Acme")
	var users []*iam.User
	for _, e := range emails {
		users = append(users, s.SeedUser(t, tn.TenantID, e, password))
	}
	return tn, users
}

func TestSessionConfigRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, users := account(t, s, "ada@example.com")
		env := s.Vendor(t)
		acct := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)

		got := env.Do(t, "GET", cfgPath, nil).Want(t, 200).Map(t)
		want := map[string]any{
			"sessionIdleTimeoutConfiguration": map[string]any{"isActive": false, "timeout": 1800.0},
			"sessionTimeoutConfiguration":     map[string]any{"isActive": false, "timeout": 86400.0},
			"sessionConcurrentConfiguration":  map[string]any{"isActive": false, "maxSessions": 10.0},
		}
		assertConfig(t, "defaults", got, want)

		for _, tc := range []struct {
			body any
			want string
		}{
			{map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"timeout": 600}}, "sessionIdleTimeoutConfiguration.isActive is required"},
			{map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": true}}, "sessionTimeoutConfiguration.timeout is required"},
			{map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 30}}, "sessionIdleTimeoutConfiguration.timeout must be between 60 and"},
			{map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": false, "timeout": -1}}, "sessionTimeoutConfiguration.timeout must be between 60 and"},
			{map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": "600"}}, "sessionIdleTimeoutConfiguration.timeout must be of type number"},
			{map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true}}, "sessionConcurrentConfiguration.maxSessions is required"},
			{map[string]any{"sessionConcurrentConfiguration": map[string]any{"maxSessions": 2}}, "sessionConcurrentConfiguration.isActive is required"},
			{map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 0}}, "sessionConcurrentConfiguration.maxSessions must be between 1 and 1000"},
			{"[]", "Request body is not valid JSON"},
		} {
			env.Do(t, "POST", cfgPath, tc.body).WantError(t, 400, tc.want)
		}

		// The environment's configuration, part by part.
		got = env.Do(t, "POST", cfgPath, map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 900}}).Want(t, 201).Map(t)
		want["sessionIdleTimeoutConfiguration"] = map[string]any{"isActive": true, "timeout": 900.0}
		assertConfig(t, "environment", got, want)
		assertConfig(t, "vendor route", env.Do(t, "GET", cfgPath+"/vendor", nil).Want(t, 200).Map(t), want)

		// An account's own parts override the environment's; the rest is inherited.
		got = acct.Do(t, "POST", cfgPath, map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 3}}).Want(t, 201).Map(t)
		acctWant := map[string]any{
			"sessionIdleTimeoutConfiguration": want["sessionIdleTimeoutConfiguration"],
			"sessionTimeoutConfiguration":     want["sessionTimeoutConfiguration"],
			"sessionConcurrentConfiguration":  map[string]any{"isActive": true, "maxSessions": 3.0},
		}
		assertConfig(t, "account", got, acctWant)
		assertConfig(t, "account read", acct.Do(t, "GET", cfgPath, nil).Want(t, 200).Map(t), acctWant)
		assertConfig(t, "environment unchanged", env.Do(t, "GET", cfgPath, nil).Want(t, 200).Map(t), want)
		// A later environment change reaches the parts the account inherits.
		env.Do(t, "POST", cfgPath, map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 7200}}).Want(t, 201)
		acctWant["sessionTimeoutConfiguration"] = map[string]any{"isActive": true, "timeout": 7200.0}
		assertConfig(t, "account inherits", acct.Do(t, "GET", cfgPath, nil).Want(t, 200).Map(t), acctWant)

		s.Vendor(t).With("frontegg-tenant-id", "nope").Do(t, "GET", cfgPath, nil).WantError(t, 404, "Account nope not found")
		acct.Do(t, "GET", cfgPath+"/vendor", nil).Want(t, 200)

		// Account users: reading and writing take the security-policy permissions.
		c := login(t, s, "ada@example.com", "test").c
		c.Do(t, "GET", cfgPath, nil).WantError(t, 403, "Insufficient permissions")
		c.Do(t, "GET", cfgPath+"/vendor", nil).WantError(t, 403, "does not accept this kind of token")
		s.GrantPermissions(t, users[0].ID, tn.TenantID, "fe.secure.read.securityPolicy")
		c = login(t, s, "ada@example.com", "test").c
		assertConfig(t, "user read", c.Do(t, "GET", cfgPath, nil).Want(t, 200).Map(t), acctWant)
		c.Do(t, "POST", cfgPath, map[string]any{}).WantError(t, 403, "Insufficient permissions")
		s.GrantPermissions(t, users[0].ID, tn.TenantID, "fe.secure.write.securityPolicy")
		c = login(t, s, "ada@example.com", "test").c
		got = c.Do(t, "POST", cfgPath, map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": false, "maxSessions": 3}}).Want(t, 201).Map(t)
		acctWant["sessionConcurrentConfiguration"] = map[string]any{"isActive": false, "maxSessions": 3.0}
		assertConfig(t, "user write", got, acctWant)
	})
}

func assertConfig(t *testing.T, step string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, _ := got[k].(map[string]any)
		wm := w.(map[string]any)
		for field, v := range wm {
			if g[field] != v {
				t.Errorf("%s: %s.%s = %v, want %v", step, k, field, g[field], v)
			}
		}
	}
}

func TestConcurrentSessionLimitEndsTheOldest(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, _ := account(t, s, "ada@example.com")
		account(t, s, "bob@example.com")

		// Without a limit, every login stays live.
		var free []*session
		for range 3 {
			free = append(free, login(t, s, "bob@example.com", "b"))
			s.Clock.Advance(time.Second)
		}
		if n := len(list(t, free[2].c)); n != 3 {
			t.Fatalf("%d live sessions without a limit, want 3", n)
		}

		s.Vendor(t).Do(t, "POST", cfgPath, map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 2}}).Want(t, 201)
		var ss []*session
		for range 3 {
			ss = append(ss, login(t, s, "ada@example.com", "a"))
			s.Clock.Advance(time.Second)
		}
		// The oldest is over: its refresh token and its access token die at once.
		if st := ss[0].refresh(t, s); st != 401 {
			t.Fatalf("oldest session refreshed with %d, want 401", st)
		}
		ss[0].c.Do(t, "GET", mePath, nil).WantError(t, 401, "Unauthorized")
		live := list(t, ss[2].c)
		if len(live) != 2 || live[0].ID != sid(t, ss[2]) || live[1].ID != sid(t, ss[1]) {
			t.Fatalf("live sessions %v, want the two newest", ids(live))
		}
		if st := ss[1].refresh(t, s); st != 201 {
			t.Fatalf("second session refreshed with %d", st)
		}

		// An account's own limit wins over the environment's.
		s.Vendor(t).With("frontegg-tenant-id", tn.TenantID).Do(t, "POST", cfgPath,
			map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 1}}).Want(t, 201)
		last := login(t, s, "ada@example.com", "a")
		if live := list(t, last.c); len(live) != 1 || live[0].ID != sid(t, last) {
			t.Fatalf("live sessions %v, want only the newest", ids(live))
		}
		if st := ss[2].refresh(t, s); st != 401 {
			t.Fatalf("ended session refreshed with %d, want 401", st)
		}
	})
}

func TestConcurrentLoginsKeepTheLimit(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		_, users := account(t, s, "ada@example.com")
		s.Vendor(t).Do(t, "POST", cfgPath, map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 2}}).Want(t, 201)
		const n = 8
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Anon().Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": password}).Want(t, 200)
			}()
		}
		wg.Wait()
		live, err := s.DB.FindLiveSessions(t.Context(), users[0].ID, s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 2 {
			t.Fatalf("%d live sessions after %d concurrent logins, want 2", len(live), n)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		account(t, s, "ada@example.com", "bob@example.com")
		// Bob's session began before the idle timeout was set: the rule
		// applies to it from its next refresh, whatever its token says.
		bob := login(t, s, "bob@example.com", "b")

		s.Vendor(t).Do(t, "POST", cfgPath, map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 600}}).Want(t, 201)
		ada := login(t, s, "ada@example.com", "a")
		if ada.ExpiresIn != 600 {
			t.Fatalf("access token lives %d s, want the idle timeout 600", ada.ExpiresIn)
		}
		for range 3 { // active: a refresh every 9 minutes keeps the session
			s.Clock.Advance(9 * time.Minute)
			if st := ada.refresh(t, s); st != 201 {
				t.Fatalf("active session refreshed with %d", st)
			}
			if ada.ExpiresIn != 600 {
				t.Fatalf("refreshed access token lives %d s, want 600", ada.ExpiresIn)
			}
		}
		s.Clock.Advance(10 * time.Minute)
		if st := ada.refresh(t, s); st != 401 {
			t.Fatalf("session idle 10 minutes refreshed with %d, want 401", st)
		}
		if st := bob.refresh(t, s); st != 401 {
			t.Fatalf("older session idle 37 minutes refreshed with %d, want 401", st)
		}
		// An idle session no longer shows as live.
		fresh := login(t, s, "ada@example.com", "a")
		if live := list(t, fresh.c); len(live) != 1 {
			t.Fatalf("live sessions %v, want only the new one", ids(live))
		}
	})
}

func TestAbsoluteTimeout(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		account(t, s, "ada@example.com")
		other, _ := account(t, s, "bob@example.com")

		s.Vendor(t).Do(t, "POST", cfgPath, map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 3600}}).Want(t, 201)
		start := s.Clock.Now()
		ada := login(t, s, "ada@example.com", "a")
		if live := list(t, ada.c); len(live) != 1 || !live[0].Expires.Equal(start.Add(time.Hour)) {
			t.Fatalf("session %+v, want it to expire an hour after login", live)
		}
		for range 3 { // active for 57 minutes
			s.Clock.Advance(19 * time.Minute)
			if st := ada.refresh(t, s); st != 201 {
				t.Fatalf("refresh within the hour: %d", st)
			}
		}
		s.Clock.Advance(4 * time.Minute)
		if st := ada.refresh(t, s); st != 401 {
			t.Fatalf("refresh 61 minutes after login: %d, want 401", st)
		}

		// An account's own timeout wins: two hours for Bob's account.
		s.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "POST", cfgPath,
			map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 7200}}).Want(t, 201)
		bob := login(t, s, "bob@example.com", "b")
		s.Clock.Advance(61 * time.Minute)
		if st := bob.refresh(t, s); st != 201 {
			t.Fatalf("refresh 61 minutes into a two-hour session: %d", st)
		}
		s.Clock.Advance(60 * time.Minute)
		if st := bob.refresh(t, s); st != 401 {
			t.Fatalf("refresh 121 minutes into a two-hour session: %d, want 401", st)
		}

		// Turned off, sessions last the core settings' 30 days.
		s.Vendor(t).Do(t, "POST", cfgPath, map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": false, "timeout": 3600}}).Want(t, 201)
		ada = login(t, s, "ada@example.com", "a")
		s.Clock.Advance(61 * time.Minute)
		if st := ada.refresh(t, s); st != 201 {
			t.Fatalf("refresh 61 minutes after login with no absolute timeout: %d", st)
		}
	})
}

func TestUserSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		account(t, s, "ada@example.com", "bob@example.com")
		a := login(t, s, "ada@example.com", "Laptop Firefox")
		s.Clock.Advance(time.Second)
		b := login(t, s, "ada@example.com", "Phone Safari")
		s.Clock.Advance(time.Second)
		c := login(t, s, "ada@example.com", "Tablet Chrome")
		bob := login(t, s, "bob@example.com", "x")

		live := list(t, a.c)
		if len(live) != 3 {
			t.Fatalf("%d sessions, want 3", len(live))
		}
		want := []string{"Tablet Chrome", "Phone Safari", "Laptop Firefox"} // newest first
		for i, ls := range live {
			if ls.UserAgent != want[i] || ls.IPAddress != "127.0.0.1" || ls.Current != (i == 2) || ls.Expires.IsZero() {
				t.Errorf("session %d: %+v", i, ls)
			}
		}
		aID, bID := sid(t, a), sid(t, b)
		if cur := a.c.Do(t, "GET", mePath+"/current", nil).Want(t, 200).Map(t); cur["id"] != aID || cur["current"] != true || cur["userAgent"] != "Laptop Firefox" {
			t.Fatalf("current %v", cur)
		}

		// End one: its refresh token and access token die at once.
		a.c.Do(t, "DELETE", mePath+"/"+bID, nil).Want(t, 200)
		if st := b.refresh(t, s); st != 401 {
			t.Fatalf("ended session refreshed with %d", st)
		}
		b.c.Do(t, "GET", mePath, nil).WantError(t, 401, "Unauthorized")
		a.c.Do(t, "DELETE", mePath+"/"+bID, nil).WantError(t, 404, "Session not found")
		a.c.Do(t, "DELETE", mePath+"/no-such-session", nil).WantError(t, 404, "Session not found")
		// Another user's session is not one's own to end.
		a.c.Do(t, "DELETE", mePath+"/"+sid(t, bob), nil).WantError(t, 404, "Session not found")
		bob.c.Do(t, "GET", mePath, nil).Want(t, 200)

		// End all others: the caller's own stays.
		a.c.Do(t, "DELETE", mePath+"/all", nil).Want(t, 200)
		if st := c.refresh(t, s); st != 401 {
			t.Fatalf("other session refreshed with %d", st)
		}
		if live := list(t, a.c); len(live) != 1 || live[0].ID != aID {
			t.Fatalf("after ending the others: %v, want %s", ids(live), aID)
		}

		// End all, the caller's own included.
		a.c.Do(t, "POST", revokePath, map[string]any{}).WantError(t, 400, "userId is required")
		a.c.Do(t, "POST", revokePath, map[string]any{"userId": a.UserID}).Want(t, 200)
		a.c.Do(t, "GET", mePath, nil).WantError(t, 401, "Unauthorized")
		if st := a.refresh(t, s); st != 401 {
			t.Fatalf("revoked session refreshed with %d", st)
		}
		bob.c.Do(t, "GET", mePath, nil).Want(t, 200)
	})
}

func TestAdminEndsUsersSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, users := account(t, s, "admin@example.com", "member@example.com")
		admin, member := users[0], users[1]
		_, others := account(t, s, "outsider@example.com")
		outsider := others[0]
		s.GrantPermissions(t, admin.ID, tn.TenantID, "fe.secure.read.users", "fe.secure.delete.sessions")
		adm := login(t, s, "admin@example.com", "a")
		m1 := login(t, s, "member@example.com", "m1")
		s.Clock.Advance(time.Second)
		m2 := login(t, s, "member@example.com", "m2")
		out := login(t, s, "outsider@example.com", "o")

		// An account admin lists and ends a member's sessions.
		onMember := adm.c.With("frontegg-user-id", member.ID)
		if live := list(t, onMember); len(live) != 2 || live[0].Current || live[0].UserID != member.ID {
			t.Fatalf("member's sessions seen by the admin: %+v", live)
		}
		onMember.Do(t, "DELETE", mePath+"/"+sid(t, m1), nil).Want(t, 200)
		if st := m1.refresh(t, s); st != 401 {
			t.Fatalf("session ended by the admin refreshed with %d", st)
		}
		adm.c.Do(t, "POST", revokePath, map[string]any{"userId": member.ID}).Want(t, 200)
		if st := m2.refresh(t, s); st != 401 {
			t.Fatalf("session revoked by the admin refreshed with %d", st)
		}
		adm.c.Do(t, "GET", mePath, nil).Want(t, 200) // the admin's own session is untouched

		// Users of other accounts are out of reach, as missing ones are.
		adm.c.Do(t, "POST", revokePath, map[string]any{"userId": outsider.ID}).WantError(t, 404, "User not found")
		adm.c.With("frontegg-user-id", outsider.ID).Do(t, "GET", mePath, nil).WantError(t, 404, "User not found")
		adm.c.Do(t, "POST", revokePath, map[string]any{"userId": "no-such-user"}).WantError(t, 404, "User not found")
		out.c.Do(t, "GET", mePath, nil).Want(t, 200)

		// A member without the permissions may not.
		m3 := login(t, s, "member@example.com", "m3")
		m3.c.Do(t, "POST", revokePath, map[string]any{"userId": admin.ID}).WantError(t, 403, "Insufficient permissions")
		m3.c.With("frontegg-user-id", admin.ID).Do(t, "GET", mePath, nil).WantError(t, 403, "Insufficient permissions")
		m3.c.With("frontegg-user-id", admin.ID).Do(t, "DELETE", mePath+"/all", nil).WantError(t, 403, "Insufficient permissions")
		adm.c.Do(t, "GET", mePath, nil).Want(t, 200)

		// The vendor acts on any user named by frontegg-user-id.
		vendor := s.Vendor(t)
		vendor.Do(t, "GET", mePath, nil).WantError(t, 400, "frontegg-user-id header is required")
		vendor.With("frontegg-user-id", "no-such-user").Do(t, "GET", mePath, nil).WantError(t, 404, "User not found")
		vendor.Do(t, "GET", mePath+"/current", nil).WantError(t, 404, "This token has no session")
		if live := list(t, vendor.With("frontegg-user-id", outsider.ID)); len(live) != 1 || live[0].Current {
			t.Fatalf("outsider's sessions seen by the vendor: %+v", live)
		}
		vendor.With("frontegg-user-id", outsider.ID).Do(t, "DELETE", mePath+"/all", nil).Want(t, 200)
		out.c.Do(t, "GET", mePath, nil).WantError(t, 401, "Unauthorized")
		vendor.Do(t, "POST", revokePath, map[string]any{"userId": member.ID}).Want(t, 200)
		m3.c.Do(t, "GET", mePath, nil).WantError(t, 401, "Unauthorized")
		vendor.Do(t, "POST", revokePath, map[string]any{"userId": "no-such-user"}).WantError(t, 404, "User not found")
	})
}
