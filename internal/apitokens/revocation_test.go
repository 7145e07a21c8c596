package apitokens_test

import (
	"context"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// twoNodes runs fn against two servers sharing one database and one
// environment, as two nodes behind a load balancer, on every database.
func twoNodes(t *testing.T, fn func(t *testing.T, a, b *apitest.Server)) {
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		a := apitest.New(t, rawURL)
		fn(t, a, a.Node(t))
	})
}

// issued is a client-credential token with an access JWT and refresh token.
type issued struct {
	created created
	auth    authResponse
}

// Every way a token stops working stops authentication and refresh at once,
// and its access JWTs on every node within a revocation poll (500 ms).
func TestRevocationReachesEveryNode(t *testing.T) {
	causes := []struct {
		name string
		// personalOnly: the account token made by the same user survives.
		personalOnly bool
		apply        func(t *testing.T, f *fixture)
	}{
		{"token deleted", false, nil},
		{"creator removed from the account", false, func(t *testing.T, f *fixture) {
			f.inTx(t, func(ctx context.Context, tx *store.Tx) error {
				return tx.RemoveMembership(ctx, f.admin.ID, f.tenant.TenantID, f.s.Clock.Now())
			})
		}},
		{"creator deleted", false, func(t *testing.T, f *fixture) {
			if _, err := f.s.DB.DeleteUser(context.Background(), f.admin.ID, f.s.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}},
		{"membership disabled", false, func(t *testing.T, f *fixture) {
			if err := f.s.DB.SetMembershipDisabled(context.Background(), f.admin.ID, f.tenant.TenantID, true); err != nil {
				t.Fatal(err)
			}
		}},
		{"account locked", false, func(t *testing.T, f *fixture) {
			f.tenant.Locked = true
			if err := f.s.DB.UpdateTenant(context.Background(), f.tenant); err != nil {
				t.Fatal(err)
			}
		}},
		{"account deleted", false, func(t *testing.T, f *fixture) {
			if err := f.s.DB.DeleteTenant(context.Background(), f.tenant.TenantID, f.s.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}},
		{"user locked", true, func(t *testing.T, f *fixture) {
			f.admin.Locked = true
			if err := f.s.DB.UpdateUser(context.Background(), f.admin); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, cause := range causes {
		t.Run(cause.name, func(t *testing.T) {
			twoNodes(t, func(t *testing.T, a, b *apitest.Server) {
				f := newFixture(t, a)
				var tokens []issued
				for _, path := range []string{tenantTokensV2, userTokensPath} {
					var tok issued
					f.adminC.Do(t, "POST", path, map[string]any{"roleIds": []string{f.roles["TokenAdmin"].ID}}).Want(t, 201).JSON(t, &tok.created)
					tok.auth = authenticate(t, a, tok.created.ClientID, tok.created.Secret)
					tokens = append(tokens, tok)
				}
				// Both nodes accept the JWTs.
				for _, tok := range tokens {
					for _, s := range []*apitest.Server{a, b} {
						bearer(s, tok.auth.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 200)
					}
				}
				if cause.apply == nil {
					f.adminC.Do(t, "DELETE", tenantTokensPath+"/"+tokens[0].created.ClientID, nil).Want(t, 200)
					f.adminC.Do(t, "DELETE", userTokensPath+"/"+tokens[1].created.ClientID, nil).Want(t, 200)
				} else {
					cause.apply(t, f)
				}
				for i, tok := range tokens {
					if cause.personalOnly && i == 0 {
						authenticate(t, b, tok.created.ClientID, tok.created.Secret)
						bearer(b, tok.auth.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 200)
						continue
					}
					b.Anon().Do(t, "POST", authPath, map[string]string{"clientId": tok.created.ClientID, "secret": tok.created.Secret}).Want(t, 401)
					refresh(t, b, tok.auth.RefreshToken).Want(t, 401)
					for _, s := range []*apitest.Server{a, b} {
						took := eventually(t, "access JWT refused", func() bool {
							return bearer(s, tok.auth.AccessToken).Do(t, "GET", tenantTokensPath, nil).Status == 401
						})
						if took > time.Second {
							t.Errorf("JWT refused after %v, want within 1s", took)
						}
					}
				}
			})
		})
	}
}

// A suspended token (locked account) works again once reinstated, with fresh
// JWTs; its JWTs from before the suspension stay refused.
func TestSuspendedTokenReinstated(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{"roleIds": []string{f.roles["TokenAdmin"].ID}})
		before := authenticate(t, s, tok.ClientID, tok.Secret)
		f.tenant.Locked = true
		if err := s.DB.UpdateTenant(context.Background(), f.tenant); err != nil {
			t.Fatal(err)
		}
		eventually(t, "suspended JWT refused", func() bool {
			return bearer(s, before.AccessToken).Do(t, "GET", tenantTokensPath, nil).Status == 401
		})
		s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": tok.ClientID, "secret": tok.Secret}).Want(t, 401)
		f.tenant.Locked = false
		if err := s.DB.UpdateTenant(context.Background(), f.tenant); err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(10 * time.Second)
		after := authenticate(t, s, tok.ClientID, tok.Secret)
		bearer(s, after.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 200)
		bearer(s, before.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 401)
	})
}
