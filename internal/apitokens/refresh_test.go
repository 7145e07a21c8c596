package apitokens_test

import (
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestRefreshRotates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{"roleIds": []string{f.roles["TokenAdmin"].ID}})
		first := authenticate(t, s, tok.ClientID, tok.Secret)
		var second, third authResponse
		refresh(t, s, first.RefreshToken).Want(t, 200).JSON(t, &second)
		refresh(t, s, second.RefreshToken).Want(t, 200).JSON(t, &third)
		if second.RefreshToken == first.RefreshToken || third.RefreshToken == second.RefreshToken || second.AccessToken == "" || second.ExpiresIn != 86400 {
			t.Fatalf("refresh did not rotate: %+v %+v", second, third)
		}
		c1, c3 := claims(t, first.AccessToken), claims(t, third.AccessToken)
		if c3["sid"] != c1["sid"] || c3["sub"] != tok.ClientID || c3["type"] != "tenantApiToken" || len(strs(c3["permissions"])) == 0 {
			t.Fatalf("refreshed claims %v, first %v", c3, c1)
		}
		// A spent token never works again, even before its successor is used.
		refresh(t, s, first.RefreshToken).WantError(t, 401, "Invalid refresh token")
		refresh(t, s, "not-a-token").WantError(t, 401, "Invalid refresh token")
	})
}

func TestRefreshReuseEndsTheFamily(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{"roleIds": []string{f.roles["TokenAdmin"].ID}})
		stolen := authenticate(t, s, tok.ClientID, tok.Secret)
		other := authenticate(t, s, tok.ClientID, tok.Secret)
		var next authResponse
		refresh(t, s, stolen.RefreshToken).Want(t, 200).JSON(t, &next)
		// Replaying the spent token: refused, and the family's live token and
		// access JWTs die with it; the token's other families do not.
		refresh(t, s, stolen.RefreshToken).WantError(t, 401, "Invalid refresh token")
		refresh(t, s, next.RefreshToken).WantError(t, 401, "Invalid refresh token")
		bearer(s, next.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 401)
		bearer(s, stolen.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 401)
		bearer(s, other.AccessToken).Do(t, "GET", tenantTokensPath, nil).Want(t, 200)
		refresh(t, s, other.RefreshToken).Want(t, 200)
		// The client credentials still work.
		authenticate(t, s, tok.ClientID, tok.Secret)
	})
}

func TestConcurrentRefreshOfOneTokenExactlyOneWins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		res := authenticate(t, s, tok.ClientID, tok.Secret)
		const n = 12
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { statuses[i] = refresh(t, s, res.RefreshToken).Status })
		}
		wg.Wait()
		wins := 0
		for _, st := range statuses {
			switch st {
			case 200:
				wins++
			case 401:
			default:
				t.Fatalf("unexpected status %d (%v)", st, statuses)
			}
		}
		if wins != 1 {
			t.Fatalf("%d refreshes won, want exactly 1 (%v)", wins, statuses)
		}
	})
}

func TestRefreshTokenExpires(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		res := authenticate(t, s, tok.ClientID, tok.Secret)
		s.Clock.Advance(29 * 24 * time.Hour)
		var next authResponse
		refresh(t, s, res.RefreshToken).Want(t, 200).JSON(t, &next)
		// Each rotation gives the family a fresh lifetime (30 days, the core setting).
		s.Clock.Advance(29 * 24 * time.Hour)
		refresh(t, s, next.RefreshToken).Want(t, 200).JSON(t, &next)
		s.Clock.Advance(31 * 24 * time.Hour)
		refresh(t, s, next.RefreshToken).WantError(t, 401, "Invalid refresh token")
	})
}

// The 101st authentication of a token invalidates the refresh token of the
// first; the 2nd to the 101st all still work.
func TestHundredLiveRefreshTokensPerAPIToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		other := createTenantToken(t, f.vendor(t), map[string]any{})
		otherRes := authenticate(t, s, other.ClientID, other.Secret)
		var refreshTokens []string
		for range 101 {
			refreshTokens = append(refreshTokens, authenticate(t, s, tok.ClientID, tok.Secret).RefreshToken)
		}
		refresh(t, s, refreshTokens[0]).WantError(t, 401, "Invalid refresh token")
		rotated := map[int]string{}
		for i, rt := range refreshTokens[1:] {
			resp := refresh(t, s, rt)
			if resp.Status != 200 {
				t.Fatalf("refresh token of authentication %d: status %d, want 200", i+2, resp.Status)
			}
			var next authResponse
			resp.JSON(t, &next)
			rotated[i+2] = next.RefreshToken
		}
		// Rotation keeps the count: the 102nd authentication evicts the 2nd
		// authentication's family, although it was refreshed since, and only it.
		authenticate(t, s, tok.ClientID, tok.Secret)
		refresh(t, s, rotated[2]).WantError(t, 401, "Invalid refresh token")
		refresh(t, s, rotated[3]).Want(t, 200)
		// Other tokens are untouched.
		refresh(t, s, otherRes.RefreshToken).Want(t, 200)
	})
}

// Authentications racing on several connections never leave more than 100
// live refresh tokens: of 130, exactly the newest 100 survive.
func TestRefreshCapHoldsUnderConcurrency(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s)
		tok := createTenantToken(t, f.vendor(t), map[string]any{})
		const workers, each = 10, 13
		refreshTokens := make([]string, workers*each)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					refreshTokens[w*each+i] = authenticate(t, s, tok.ClientID, tok.Secret).RefreshToken
				}
			})
		}
		wg.Wait()
		live := 0
		for _, rt := range refreshTokens {
			switch st := refresh(t, s, rt).Status; st {
			case 200:
				live++
			case 401:
			default:
				t.Fatalf("refresh status %d", st)
			}
		}
		if live != 100 {
			t.Fatalf("%d of %d refresh tokens live, want 100", live, len(refreshTokens))
		}
	})
}
