package restrictions_test

import (
	"net"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

const (
	ipPath      = "/identity/resources/configurations/v1/restrictions/ip"
	loginPath   = "/identity/resources/auth/v1/user"
	refreshPath = "/identity/resources/auth/v1/user/token/refresh"
	mePath      = "/identity/resources/users/sessions/v1/me" // an authenticated route
	password    = "correct horse battery"
)

// trustLoopbackProxy makes the test server believe X-Forwarded-For from
// 127.0.0.0/8, so tests can call from any address.
func trustLoopbackProxy(c *config.Config) {
	_, n, _ := net.ParseCIDR("127.0.0.0/8")
	c.TrustedProxies = []*net.IPNet{n}
}

// from is an anonymous client whose requests claim to come from ip.
func from(s *apitest.Server, ip string) *apitest.Client {
	return s.Anon().With("X-Forwarded-For", ip)
}

// loginFrom logs in from ip and returns the response.
func loginFrom(t *testing.T, s *apitest.Server, ip, email string) *apitest.Response {
	t.Helper()
	return from(s, ip).Do(t, "POST", loginPath, map[string]string{"email": email, "password": password})
}

// tokensFrom logs in from ip, which must succeed, and returns the tokens.
func tokensFrom(t *testing.T, s *apitest.Server, ip, email string) apitest.LoginResponse {
	t.Helper()
	var out apitest.LoginResponse
	loginFrom(t, s, ip, email).Want(t, 200).JSON(t, &out)
	return out
}

// bearerFrom is a client holding an access token, calling from ip.
func bearerFrom(s *apitest.Server, ip, accessToken string) *apitest.Client {
	return from(s, ip).With("Authorization", "Bearer "+accessToken)
}

// list is the {items, _metadata} shape of list routes.
type list struct {
	Items    []map[string]any `json:"items"`
	Metadata struct {
		TotalItems int `json:"totalItems"`
		TotalPages int `json:"totalPages"`
	} `json:"_metadata"`
}

// account seeds an account with one user and returns a vendor client acting on it.
func account(t *testing.T, s *apitest.Server, email string) (*iam.Tenant, *iam.User, *apitest.Client) {
	t.Helper()
	tn := s.SeedTenant(t, "Acme")
	u := s.SeedUser(t, tn.TenantID, email, password)
	return tn, u, s.Vendor(t).With("frontegg-tenant-id", tn.TenantID)
}

func TestIPRestrictionRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		_, _, vendor := account(t, s, "ada@example.com")

		s.Vendor(t).Do(t, "GET", ipPath+"/config", nil).WantError(t, 400, "frontegg-tenant-id header is required")
		s.Vendor(t).With("frontegg-tenant-id", "nope").Do(t, "GET", ipPath, nil).WantError(t, 404, "Account nope not found")

		cfg := vendor.Do(t, "GET", ipPath+"/config", nil).Want(t, 200).Map(t)
		if cfg["isActive"] != false || cfg["strategy"] != "ALLOW" {
			t.Fatalf("default config %v", cfg)
		}
		vendor.Do(t, "POST", ipPath+"/config", map[string]any{"strategy": "DENY"}).WantError(t, 400, "strategy must be one of ALLOW, BLOCK")
		vendor.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": "yes"}).WantError(t, 400, "isActive must be of type boolean")
		cfg = vendor.Do(t, "POST", ipPath+"/config", map[string]any{"strategy": "BLOCK"}).Want(t, 201).Map(t)
		if cfg["isActive"] != false || cfg["strategy"] != "BLOCK" {
			t.Fatalf("saved config %v", cfg)
		}

		for _, tc := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"strategy": "BLOCK"}, "ip is required"},
			{map[string]any{"ip": "10.0.0.300", "strategy": "BLOCK"}, "ip must be an IPv4 or IPv6 address or CIDR range"},
			{map[string]any{"ip": "10.0.0.0/33", "strategy": "BLOCK"}, "ip must be an IPv4 or IPv6 address or CIDR range"},
			{map[string]any{"ip": "fe80::1%eth0", "strategy": "BLOCK"}, "ip must be an IPv4 or IPv6 address or CIDR range"},
			{map[string]any{"ip": "10.0.0.1"}, "strategy must be one of ALLOW, BLOCK"},
			{map[string]any{"ip": "10.0.0.1", "strategy": "block"}, "strategy must be one of ALLOW, BLOCK"},
		} {
			vendor.Do(t, "POST", ipPath, tc.body).WantError(t, 400, tc.want)
		}

		var entries []map[string]any
		for _, tc := range []struct{ in, want string }{
			{"10.0.0.1", "10.0.0.1"},
			{"10.1.2.3/8", "10.0.0.0/8"},
			{"2001:DB8::/32", "2001:db8::/32"},
			{"::ffff:192.0.2.1", "192.0.2.1"},
			{"192.0.2.0/32", "192.0.2.0"},
		} {
			e := vendor.Do(t, "POST", ipPath, map[string]any{"ip": tc.in, "strategy": "BLOCK", "description": "x"}).Want(t, 201).Map(t)
			if e["ip"] != tc.want || e["isActive"] != true || e["id"] == "" {
				t.Fatalf("%s stored as %v, want %s", tc.in, e, tc.want)
			}
			entries = append(entries, e)
		}
		// Posting an IP the account already lists updates that entry.
		again := vendor.Do(t, "POST", ipPath, map[string]any{"ip": "10.0.0.1/32", "strategy": "ALLOW", "isActive": false}).Want(t, 201).Map(t)
		if again["id"] != entries[0]["id"] || again["strategy"] != "ALLOW" || again["isActive"] != false {
			t.Fatalf("update by IP gave %v, want entry %v updated", again, entries[0]["id"])
		}

		var page list
		vendor.Do(t, "GET", ipPath+"?_limit=2&_offset=1", nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 5 || page.Metadata.TotalPages != 3 || len(page.Items) != 2 {
			t.Fatalf("page 2 of 3: %+v", page)
		}
		vendor.Do(t, "GET", ipPath+"?_filter=2001:db8", nil).Want(t, 200).JSON(t, &page)
		if page.Metadata.TotalItems != 1 || page.Items[0]["ip"] != "2001:db8::/32" {
			t.Fatalf("filtered: %+v", page)
		}
		vendor.Do(t, "GET", ipPath+"?_limit=0", nil).WantError(t, 400, "_limit must be at least 1")
		vendor.Do(t, "GET", ipPath+"?_offset=-1", nil).WantError(t, 400, "_offset must be a non-negative integer")

		vendor.Do(t, "DELETE", ipPath+"/no-such-id", nil).WantError(t, 404, "IP restriction no-such-id not found")
		vendor.Do(t, "DELETE", ipPath+"/"+entries[1]["id"].(string), nil).Want(t, 200)
		vendor.Do(t, "DELETE", ipPath+"/"+entries[1]["id"].(string), nil).Want(t, 404)

		// Bulk: all or nothing.
		vendor.Do(t, "POST", ipPath+"/bulk", map[string]any{"ips": []map[string]any{
			{"ip": "203.0.113.1", "strategy": "BLOCK"}, {"ip": "nonsense", "strategy": "BLOCK"},
		}}).WantError(t, 400, "ips[1].ip must be an IPv4 or IPv6 address or CIDR range")
		vendor.Do(t, "POST", ipPath+"/bulk", map[string]any{"ips": []any{}}).WantError(t, 400, "ips must hold between 1 and 1000 entries")
		var bulk []map[string]any
		vendor.Do(t, "POST", ipPath+"/bulk", map[string]any{"ips": []map[string]any{
			{"ip": "203.0.113.1", "strategy": "BLOCK"}, {"ip": "203.0.113.2", "strategy": "ALLOW"},
		}}).Want(t, 201).JSON(t, &bulk)
		vendor.Do(t, "GET", ipPath, nil).Want(t, 200).JSON(t, &page)
		if len(bulk) != 2 || page.Metadata.TotalItems != 6 {
			t.Fatalf("bulk %v, total %d", bulk, page.Metadata.TotalItems)
		}
	})
}

func TestIPRestrictionPermissions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, u, vendor := account(t, s, "ada@example.com")
		member := s.SeedUser(t, tn.TenantID, "bob@example.com", password)
		s.GrantPermissions(t, u.ID, tn.TenantID, "fe.secure.read.ipRestrictions", "fe.secure.write.ipRestrictions", "fe.secure.delete.ipRestrictions")
		s.GrantPermissions(t, member.ID, tn.TenantID, "fe.secure.read.ipRestrictions")
		admin, _ := s.Login(t, "ada@example.com", password)
		reader, _ := s.Login(t, "bob@example.com", password)

		e := admin.Do(t, "POST", ipPath, map[string]any{"ip": "203.0.113.0/24", "strategy": "ALLOW"}).Want(t, 201).Map(t)
		admin.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": false, "strategy": "ALLOW"}).Want(t, 201)
		reader.Do(t, "GET", ipPath, nil).Want(t, 200)
		reader.Do(t, "GET", ipPath+"/config", nil).Want(t, 200)
		reader.Do(t, "POST", ipPath, map[string]any{"ip": "203.0.113.9", "strategy": "BLOCK"}).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": true}).WantError(t, 403, "Insufficient permissions")
		reader.Do(t, "DELETE", ipPath+"/"+e["id"].(string), nil).WantError(t, 403, "Insufficient permissions")
		s.Anon().Do(t, "GET", ipPath, nil).WantError(t, 401, "Unauthorized")

		// Another account's entries are out of reach, even by id.
		other := s.SeedTenant(t, "Other")
		s.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "DELETE", ipPath+"/"+e["id"].(string), nil).Want(t, 404)
		vendor.Do(t, "DELETE", ipPath+"/"+e["id"].(string), nil).Want(t, 200)
	})
}

// block turns on the account's block list holding ips.
func block(t *testing.T, vendor *apitest.Client, ips ...string) {
	t.Helper()
	for _, ip := range ips {
		vendor.Do(t, "POST", ipPath, map[string]any{"ip": ip, "strategy": "BLOCK"}).Want(t, 201)
	}
	vendor.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": true, "strategy": "BLOCK"}).Want(t, 201)
}

func TestBlockedIPRefusedAtLoginRefreshAndRequests(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		_, _, vendor := account(t, s, "ada@example.com")
		const blocked, elsewhere = "198.51.100.7", "203.0.113.9"
		before := tokensFrom(t, s, blocked, "ada@example.com")
		spare := tokensFrom(t, s, elsewhere, "ada@example.com")
		bearerFrom(s, blocked, before.AccessToken).Do(t, "GET", mePath, nil).Want(t, 200)

		block(t, vendor, "198.51.100.0/24")

		// Every authenticated request from the blocked range is refused at once,
		// with a token issued before the block; elsewhere the same token works.
		bearerFrom(s, blocked, before.AccessToken).Do(t, "GET", mePath, nil).WantError(t, 403, "IP address is not allowed")
		bearerFrom(s, elsewhere, before.AccessToken).Do(t, "GET", mePath, nil).Want(t, 200)
		// Login from there is refused; from elsewhere it works.
		loginFrom(t, s, blocked, "ada@example.com").WantError(t, 403, "IP address is not allowed")
		tokensFrom(t, s, elsewhere, "ada@example.com")
		s.Clock.Advance(time.Second)
		// A wrong password from the blocked range still gets the usual answer:
		// the refusal tells nothing to someone without the password.
		from(s, blocked).Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": "wrong"}).
			WantError(t, 401, "Incorrect email or password")
		// Refresh from there is refused too, for a session opened elsewhere.
		from(s, blocked).Do(t, "POST", refreshPath, map[string]string{"refreshToken": spare.RefreshToken}).
			WantError(t, 403, "IP address is not allowed")
		// Refresh from elsewhere works.
		from(s, elsewhere).Do(t, "POST", refreshPath, map[string]string{"refreshToken": before.RefreshToken}).Want(t, 201)

		// Each refusal of a user who had the password is in the audit log.
		var log struct {
			Data []struct {
				IP       string         `json:"ip"`
				Severity string         `json:"severity"`
				Outcome  string         `json:"outcome"`
				JSON     map[string]any `json:"json"`
			} `json:"data"`
		}
		vendor.Do(t, "GET", "/audits?action=User%20login%20refused%20by%20IP%20restriction&sortDirection=asc", nil).Want(t, 200).JSON(t, &log)
		if len(log.Data) != 2 || log.Data[0].JSON["stage"] != "login" || log.Data[1].JSON["stage"] != "refresh" ||
			log.Data[0].IP != blocked || log.Data[0].Severity != "High" || log.Data[0].Outcome != "failure" {
			t.Fatalf("audit of refusals: %+v", log.Data)
		}

		// The vendor is never restricted.
		s.Vendor(t).With("X-Forwarded-For", blocked).Do(t, "GET", "/identity/resources/configurations/sessions/v1/vendor", nil).Want(t, 200)

		// Turning the restrictions off lets the address in again.
		vendor.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": false}).Want(t, 201)
		tokensFrom(t, s, blocked, "ada@example.com")
	}, trustLoopbackProxy)
}

func TestIPRestrictionsAreThoseOfTheTokensAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tnA, u, vendorA := account(t, s, "ada@example.com")
		tnB := s.SeedTenant(t, "Beta")
		err := s.DB.InTx(t.Context(), func(tx *store.Tx) error {
			return tx.AddMembership(t.Context(), iam.Membership{UserID: u.ID, TenantID: tnB.TenantID, ActivatedForTenant: true, CreatedAt: s.Clock.Now()}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		const ip = "198.51.100.7"
		inA := tokensFrom(t, s, ip, "ada@example.com") // the user's active account is A
		block(t, vendorA, ip)
		bearerFrom(s, ip, inA.AccessToken).Do(t, "GET", mePath, nil).Want(t, 403)
		// Logging into B from the address works: B has no restrictions.
		var inB apitest.LoginResponse
		from(s, ip).With("frontegg-tenant-id", tnB.TenantID).Do(t, "POST", loginPath, map[string]string{"email": "ada@example.com", "password": password}).
			Want(t, 200).JSON(t, &inB)
		bearerFrom(s, ip, inB.AccessToken).Do(t, "GET", mePath, nil).Want(t, 200)
		// But a refresh that switches the session into A is refused.
		from(s, ip).Do(t, "POST", refreshPath, map[string]string{"refreshToken": inB.RefreshToken, "tenantId": tnA.TenantID}).
			WantError(t, 403, "IP address is not allowed")
	}, trustLoopbackProxy)
}

func TestAllowList(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn, _, vendor := account(t, s, "ada@example.com")
		const listed, outside, retired = "203.0.113.6", "198.51.100.7", "192.0.2.1"
		vendor.Do(t, "POST", ipPath, map[string]any{"ip": "203.0.113.0/24", "strategy": "ALLOW"}).Want(t, 201)
		vendor.Do(t, "POST", ipPath, map[string]any{"ip": retired, "strategy": "ALLOW", "isActive": false}).Want(t, 201)
		// A block entry does not count while the allow list is in force.
		vendor.Do(t, "POST", ipPath, map[string]any{"ip": "203.0.113.5", "strategy": "BLOCK"}).Want(t, 201)

		// Before turning the list on, "test my IP" tells who is in it, and
		// that everyone may still come in.
		for _, tc := range []struct {
			ip     string
			listed bool
		}{{listed, true}, {"203.0.113.5", true}, {outside, false}, {retired, false}} {
			c := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID).With("X-Forwarded-For", tc.ip)
			if got := c.Do(t, "POST", ipPath+"/verify", nil).Want(t, 201).Map(t)["valid"]; got != true {
				t.Errorf("%s verify with restrictions off: valid %v", tc.ip, got)
			}
			if got := c.Do(t, "POST", ipPath+"/verify/allow", nil).Want(t, 201).Map(t)["valid"]; got != tc.listed {
				t.Errorf("%s verify/allow: valid %v, want %v", tc.ip, got, tc.listed)
			}
		}

		vendor.Do(t, "POST", ipPath+"/config", map[string]any{"isActive": true, "strategy": "ALLOW"}).Want(t, 201)
		tokensFrom(t, s, listed, "ada@example.com")
		tokensFrom(t, s, "203.0.113.5", "ada@example.com")
		loginFrom(t, s, outside, "ada@example.com").WantError(t, 403, "IP address is not allowed")
		loginFrom(t, s, retired, "ada@example.com").WantError(t, 403, "IP address is not allowed")
		c := s.Vendor(t).With("frontegg-tenant-id", tn.TenantID).With("X-Forwarded-For", outside)
		if got := c.Do(t, "POST", ipPath+"/verify", nil).Want(t, 201).Map(t)["valid"]; got != false {
			t.Errorf("%s verify with the allow list on: valid %v", outside, got)
		}

		// An allow list in force with no active entry lets nobody in.
		var page list
		vendor.Do(t, "GET", ipPath, nil).Want(t, 200).JSON(t, &page)
		for _, e := range page.Items {
			if e["strategy"] == "ALLOW" {
				vendor.Do(t, "DELETE", ipPath+"/"+e["id"].(string), nil).Want(t, 200)
			}
		}
		loginFrom(t, s, listed, "ada@example.com").WantError(t, 403, "IP address is not allowed")
	}, trustLoopbackProxy)
}

func TestIPv6Ranges(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		_, _, vendor := account(t, s, "ada@example.com")
		block(t, vendor, "2001:db8:abcd::/48", "198.51.100.0/24")
		for _, tc := range []struct {
			ip      string
			blocked bool
		}{
			{"2001:db8:abcd:12::1", true},
			{"2001:DB8:ABCD:FFFF:FFFF:FFFF:FFFF:FFFF", true},
			{"2001:db8:abce::1", false},
			{"::ffff:198.51.100.7", true}, // IPv4-mapped: the IPv4 rule applies
			{"::1", false},
		} {
			res := loginFrom(t, s, tc.ip, "ada@example.com")
			if tc.blocked {
				res.WantError(t, 403, "IP address is not allowed")
			} else {
				res.Want(t, 200)
			}
		}
	}, trustLoopbackProxy)
}

func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	t.Run("untrusted", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			_, _, vendor := account(t, s, "ada@example.com")
			block(t, vendor, "198.51.100.7")
			// Without a trusted proxy the header is the client's word: ignored.
			loginFrom(t, s, "198.51.100.7", "ada@example.com").Want(t, 200)
			// The connection's address counts, and cannot be talked away.
			block(t, vendor, "127.0.0.1")
			loginFrom(t, s, "203.0.113.9", "ada@example.com").WantError(t, 403, "IP address is not allowed")
		})
	})
	t.Run("trusted", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			_, _, vendor := account(t, s, "ada@example.com")
			block(t, vendor, "198.51.100.7")
			loginFrom(t, s, "198.51.100.7", "ada@example.com").WantError(t, 403, "IP address is not allowed")
			// The left-most untrusted hop is the client: a forged hop before it is ignored.
			loginFrom(t, s, "198.51.100.7, 203.0.113.9", "ada@example.com").Want(t, 200)
			loginFrom(t, s, "203.0.113.9, 198.51.100.7", "ada@example.com").WantError(t, 403, "IP address is not allowed")
		}, trustLoopbackProxy)
	})
}
