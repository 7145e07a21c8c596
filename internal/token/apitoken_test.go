package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// apiTokenWorld is an account with a member who made an account API token.
type apiTokenWorld struct {
	f      *fixture
	db     *store.DB
	tenant *iam.Tenant
	user   *iam.User
	tok    *iam.APIToken
}

func newAPITokenWorld(t *testing.T, db *store.DB) *apiTokenWorld {
	t.Helper()
	f := newFixture(t, db)
	now := f.now
	w := &apiTokenWorld{f: f, db: db,
		tenant: &iam.Tenant{ID: "t", TenantID: "t", Name: "t", Metadata: "{}", CreatedAt: now, UpdatedAt: now},
		user:   &iam.User{ID: "u", Email: "u@x.test", Metadata: "{}", CreatedAt: now, UpdatedAt: now},
		tok: &iam.APIToken{ID: "tok", Type: iam.TokenTypeTenantAPI, TenantID: "t", CreatedByUserID: "u", SecretHash: "h",
			Metadata: "{}", CreatedAt: now, UpdatedAt: now},
	}
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTenant(ctx, w.tenant); err != nil {
			return err
		}
		return tx.CreateUser(ctx, store.NewUser{User: w.user, TenantID: "t"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAPIToken(ctx, w.tok); err != nil {
		t.Fatal(err)
	}
	return w
}

// jwt issues an access JWT of the world's token in family.
func (w *apiTokenWorld) jwt(t *testing.T, family string) string {
	t.Helper()
	tok, _, err := w.f.issuer.Sign(&Claims{Subject: w.tok.ID, Type: iam.TokenTypeTenantAPI, TenantID: "t", SessionID: family,
		CreatedByUserID: "u"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// accepted polls like another node would, then verifies.
func (w *apiTokenWorld) accepted(t *testing.T, jwt string) bool {
	t.Helper()
	if err := w.f.authn.Revocations.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := w.f.authn.Verify(jwt)
	return err == nil
}

func TestAPITokenJWTRevokedWhenTokenDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPITokenWorld(t, db)
		jwt := w.jwt(t, "fam-1")
		if !w.accepted(t, jwt) {
			t.Fatal("a live token's JWT is refused")
		}
		f := store.APITokenFilter{TenantID: "t", Type: iam.TokenTypeTenantAPI}
		if err := db.DeleteAPIToken(context.Background(), f, "tok", w.f.now); err != nil {
			t.Fatal(err)
		}
		if w.accepted(t, jwt) {
			t.Fatal("the JWT of a deleted token is accepted after a poll")
		}
	})
}

func TestAPITokenJWTRevokedWithItsFamily(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPITokenWorld(t, db)
		ctx := context.Background()
		now := w.f.now
		for _, fam := range []string{"fam-1", "fam-2"} {
			err := db.StartAPITokenFamily(ctx, store.APITokenRefresh{TokenID: "tok", FamilyID: fam, Hash: fam + "-h0", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, 100)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.RotateAPITokenRefresh(ctx, "fam-1-h0", "fam-1-h1", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Presenting the spent token again ends family 1, not family 2.
		if _, fam, err := db.RotateAPITokenRefresh(ctx, "fam-1-h0", "fam-1-h2", now, now.Add(time.Hour)); err != store.ErrRefreshReused || fam != "fam-1" {
			t.Fatalf("reuse: family %q, err %v", fam, err)
		}
		if w.accepted(t, w.jwt(t, "fam-1")) {
			t.Fatal("a JWT of the reused family is accepted")
		}
		if !w.accepted(t, w.jwt(t, "fam-2")) {
			t.Fatal("a JWT of another family is refused")
		}
		if _, _, err := db.RotateAPITokenRefresh(ctx, "fam-1-h1", "fam-1-h3", now, now.Add(time.Hour)); err == nil {
			t.Fatal("the reused family's live token still rotates")
		}
	})
}

func TestAPITokenJWTSuspendedAndReinstated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPITokenWorld(t, db)
		ctx := context.Background()
		before := w.jwt(t, "fam-1")
		w.tenant.Locked = true
		if err := db.UpdateTenant(ctx, w.tenant); err != nil {
			t.Fatal(err)
		}
		if w.accepted(t, before) {
			t.Fatal("the JWT of a locked account's token is accepted")
		}
		if _, err := db.FindActiveAPIToken(ctx, "tok", w.f.now); err == nil {
			t.Fatal("a locked account's token is active")
		}
		// Unlocked, the token works again for JWTs issued after the suspension
		// (plus the allowed clock skew); older ones stay refused.
		w.tenant.Locked = false
		if err := db.UpdateTenant(ctx, w.tenant); err != nil {
			t.Fatal(err)
		}
		w.f.now = w.f.now.Add(10 * time.Second)
		if !w.accepted(t, w.jwt(t, "fam-2")) {
			t.Fatal("a JWT issued after reinstatement is refused")
		}
		if w.accepted(t, before) {
			t.Fatal("a JWT issued before the suspension is accepted after reinstatement")
		}
		// A deletion after a suspension is a revocation: nothing of the token passes.
		if _, err := db.DeleteUser(ctx, "u", time.Now()); err != nil {
			t.Fatal(err)
		}
		if w.accepted(t, w.jwt(t, "fam-3")) {
			t.Fatal("a JWT of a token whose creator was deleted is accepted")
		}
	})
}

func TestAPITokenJWTRevokedWhenCreatorLeaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPITokenWorld(t, db)
		ctx := context.Background()
		jwt := w.jwt(t, "fam-1")
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RemoveMembership(ctx, "u", "t", w.f.now) })
		if err != nil {
			t.Fatal(err)
		}
		if w.accepted(t, jwt) {
			t.Fatal("the JWT of a token whose creator left the account is accepted")
		}
		if _, err := db.FindActiveAPIToken(ctx, "tok", w.f.now); err == nil {
			t.Fatal("the token outlived its creator's membership")
		}
	})
}

func TestSignAccessToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		exp := f.now.Add(time.Hour)
		for _, expires := range []*time.Time{nil, &exp} {
			tok, err := f.issuer.SignAccessToken(&AccessTokenClaims{Subject: "at", Type: iam.TokenTypeUserAccess, TenantID: "t", UserID: "u"}, expires)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
			var c map[string]any
			json.Unmarshal(raw, &c)
			_, hasRoles := c["roles"]
			_, hasPerms := c["permissions"]
			_, hasExp := c["exp"]
			if hasRoles || hasPerms || hasExp != (expires != nil) || c["sub"] != "at" || c["userId"] != "u" || c["aud"] != "client-1" {
				t.Fatalf("access token claims %v (expires %v)", c, expires)
			}
			// Access tokens are for the vendor's backends, not Hatch's routes.
			if _, err := f.authn.Verify(tok); err == nil {
				t.Fatal("an access token authenticates with Hatch")
			}
		}
	})
}
