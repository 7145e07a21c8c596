package apitokens_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

const (
	authPath          = "/identity/resources/auth/v2/api-token"
	refreshPath       = "/identity/resources/auth/v2/api-token/token/refresh"
	tenantTokensPath  = "/identity/resources/tenants/api-tokens/v1"
	tenantTokensV2    = "/identity/resources/tenants/api-tokens/v2"
	userTokensPath    = "/identity/resources/users/api-tokens/v1"
	tenantAccessPath  = "/identity/resources/tenants/access-tokens/v1"
	userAccessPath    = "/identity/resources/users/access-tokens/v1"
	vendorTenantsPath = "/identity/resources/vendor-only/tenants/access-tokens/v1"
	vendorUsersPath   = "/identity/resources/vendor-only/users/access-tokens/v1"
)

// tokenPermissions are every permission the token routes check.
var tokenPermissions = []string{
	"fe.secure.read.tenantApiTokens", "fe.secure.write.tenantApiTokens", "fe.secure.delete.tenantApiTokens",
	"fe.secure.read.userApiTokens", "fe.secure.write.userApiTokens", "fe.secure.delete.userApiTokens",
}

// fixture is an account with an admin (role TokenAdmin: every token permission,
// app.read and app.write) and a member (role TokenReader: app.read), both logged in.
type fixture struct {
	s       *apitest.Server
	tenant  *iam.Tenant
	admin   *iam.User
	member  *iam.User
	adminC  *apitest.Client
	memberC *apitest.Client
	perms   map[string]string    // key → id
	roles   map[string]*iam.Role // key → role
}

const password = "correct horse battery"

func newFixture(t *testing.T, s *apitest.Server) *fixture {
	t.Helper()
	f := &fixture{s: s, perms: map[string]string{}, roles: map[string]*iam.Role{}}
	f.tenant = s.SeedTenant(t, "Acme")
	for _, key := range append([]string{"app.read", "app.write", "app.admin"}, tokenPermissions...) {
		f.perms[key] = f.seedPermission(t, key)
	}
	f.roles["TokenAdmin"] = f.seedRole(t, "", "TokenAdmin", append([]string{"app.read", "app.write"}, tokenPermissions...)...)
	f.roles["TokenReader"] = f.seedRole(t, "", "TokenReader", "app.read")
	f.roles["TokenSuper"] = f.seedRole(t, f.tenant.TenantID, "TokenSuper", "app.admin")
	f.admin = s.SeedUser(t, f.tenant.TenantID, "admin@acme.test", password)
	f.member = s.SeedUser(t, f.tenant.TenantID, "member@acme.test", password)
	f.grant(t, f.admin.ID, f.tenant.TenantID, "TokenAdmin")
	f.grant(t, f.member.ID, f.tenant.TenantID, "TokenReader")
	f.adminC, _ = s.Login(t, "admin@acme.test", password)
	f.memberC, _ = s.Login(t, "member@acme.test", password)
	return f
}

func (f *fixture) inTx(t testing.TB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := f.s.DB.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) seedPermission(t testing.TB, key string) string {
	now := f.s.Clock.Now()
	p := &iam.Permission{ID: uuid.NewString(), Key: key, Name: key, CreatedAt: now, UpdatedAt: now}
	f.inTx(t, func(ctx context.Context, tx *store.Tx) (err error) {
		p.ID, err = tx.EnsurePermission(ctx, p) // the built-in fe.* permissions may be there already
		return err
	})
	return p.ID
}

func (f *fixture) seedRole(t testing.TB, tenantID, key string, permissionKeys ...string) *iam.Role {
	now := f.s.Clock.Now()
	r := &iam.Role{ID: uuid.NewString(), Key: key, Name: key, TenantID: tenantID, CreatedAt: now, UpdatedAt: now}
	for _, k := range permissionKeys {
		r.Permissions = append(r.Permissions, f.perms[k])
	}
	f.inTx(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateRole(ctx, r) })
	return r
}

func (f *fixture) grant(t testing.TB, userID, tenantID string, roleKeys ...string) {
	var ids []string
	for _, k := range roleKeys {
		ids = append(ids, f.roles[k].ID)
	}
	f.inTx(t, func(ctx context.Context, tx *store.Tx) error {
		return tx.AddUserRoles(ctx, userID, tenantID, ids, f.s.Clock.Now())
	})
}

// vendor returns the vendor client acting on the fixture's account.
func (f *fixture) vendor(t testing.TB) *apitest.Client {
	return f.s.Vendor(t).With("frontegg-tenant-id", f.tenant.TenantID)
}

// created is the answer to a client-credential token's creation.
type created struct {
	ClientID        string          `json:"clientId"`
	Secret          string          `json:"secret"`
	Description     string          `json:"description"`
	TenantID        string          `json:"tenantId"`
	CreatedByUserID *string         `json:"createdByUserId"`
	Metadata        json.RawMessage `json:"metadata"`
	RoleIDs         []string        `json:"roleIds"`
	PermissionIDs   []string        `json:"permissionIds"`
	Expires         *string         `json:"expires"`
	CreatedAt       string          `json:"createdAt"`
}

// createTenantToken makes an account token as c with body and returns it.
func createTenantToken(t testing.TB, c *apitest.Client, body any) created {
	t.Helper()
	var out created
	c.Do(t, "POST", tenantTokensV2, body).Want(t, 201).JSON(t, &out)
	if out.ClientID == "" || out.Secret == "" {
		t.Fatalf("created token lacks clientId or secret: %+v", out)
	}
	return out
}

// authResponse is what the client-credential routes answer.
type authResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Expires      string `json:"expires"`
}

func authenticate(t testing.TB, s *apitest.Server, clientID, secret string) authResponse {
	t.Helper()
	var out authResponse
	s.Anon().Do(t, "POST", authPath, map[string]string{"clientId": clientID, "secret": secret}).Want(t, 200).JSON(t, &out)
	if out.AccessToken == "" || out.RefreshToken == "" {
		t.Fatalf("authentication answered %+v", out)
	}
	return out
}

func refresh(t testing.TB, s *apitest.Server, refreshToken string) *apitest.Response {
	t.Helper()
	return s.Anon().Do(t, "POST", refreshPath, map[string]string{"refreshToken": refreshToken})
}

// claims decodes a JWT's payload.
func claims(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// strs converts a JSON array claim to strings.
func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// bearer returns a client that sends jwt as its bearer token.
func bearer(s *apitest.Server, jwt string) *apitest.Client {
	return s.Anon().With("Authorization", "Bearer "+jwt)
}

// setAPITokensEnabled saves the core setting and moves the clock past the settings cache.
func setAPITokensEnabled(t testing.TB, s *apitest.Server, on bool) {
	t.Helper()
	core := policy.DefaultCore()
	core.APITokensEnabled = on
	if err := s.DB.SaveSetting(context.Background(), "", policy.CoreName, core, s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(2 * time.Second)
}

// eventually retries check until it passes or two seconds have gone by
// (revocations reach other nodes within one poll, 500 ms).
func eventually(t testing.TB, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 2*time.Second {
		if check() {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: not within 2s", what)
	return 0
}
