package sso_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/sso/ssotest"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// env is a Hatch under test with a DNS server it asks for TXT records, a
// side door to its database (for roles, which no route here creates), and
// one account.
type env struct {
	*apitest.Server
	dns    *dnsServer
	raw    *sql.DB
	tenant *iam.Tenant
}

const (
	teamV1     = "/team/resources/sso/v1"
	configsURL = teamV1 + "/configurations"
)

// each runs fn against a fresh server on every database.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		d := startDNS(t)
		s := apitest.New(t, rawURL, func(c *config.Config) {
			c.DNSResolver = d.Addr
			c.SSOAllowPrivateURLs = true
			c.CORSOrigins = []string{"https://app.example.test"}
		})
		driver, dsn := "pgx", rawURL
		if path, ok := strings.CutPrefix(rawURL, "sqlite:"); ok {
			driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, &env{Server: s, dns: d, raw: raw, tenant: s.SeedTenant(t, "Acme")})
	})
}

// admin is the vendor acting on the env's account.
func (e *env) admin(t *testing.T) *apitest.Client {
	return e.Vendor(t).With("frontegg-tenant-id", e.tenant.TenantID)
}

// seedRole creates a role of the env's account and returns its id.
func (e *env) seedRole(t *testing.T, key string) string {
	t.Helper()
	id := uuid.NewString()
	now := e.Clock.Now().UnixMicro()
	if _, err := e.raw.ExecContext(context.Background(), `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default,
		first_user_role, created_at, updated_at) VALUES ($1, $2, $2, '', $3, 0, FALSE, FALSE, $4, $4)`, id, key, e.tenant.TenantID, now); err != nil {
		t.Fatal(err)
	}
	return id
}

// userRoles returns the role keys of the user with email in the env's account.
func (e *env) userRoles(t *testing.T, email string) []string {
	t.Helper()
	rows, err := e.raw.QueryContext(context.Background(), `SELECT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id
		JOIN users u ON u.id = ur.user_id WHERE u.email_lower = $1 AND ur.tenant_id = $2 ORDER BY r.key`, email, e.tenant.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		out = append(out, k)
	}
	return out
}

// samlSetup connects the env's account to idp through its metadata, claims
// acme.test and proves it through DNS, and makes the IdP trust Hatch's SP
// metadata. It returns the configuration.
func (e *env) samlSetup(t *testing.T, idp *ssotest.SAMLIdP, configMetadata map[string]any, encrypt bool) map[string]any {
	t.Helper()
	a := e.admin(t)
	body := map[string]any{"metadata": idp.Metadata(t)}
	if configMetadata != nil {
		body["configMetadata"] = configMetadata
	}
	c := a.Do(t, "POST", configsURL+"/metadata", body).Want(t, 201).Map(t)
	id := c["id"].(string)
	d := a.Do(t, "POST", configsURL+"/"+id+"/domains", map[string]any{"domain": "acme.test"}).Want(t, 201).Map(t)
	e.dns.set("acme.test", "v=spf1 -all", d["txtRecord"].(string))
	a.Do(t, "PUT", configsURL+"/"+id+"/domains/"+d["id"].(string)+"/validate", nil).Want(t, 200)
	meta := a.Do(t, "GET", teamV1+"/saml/configurations/sp-metadata?configurationId="+url.QueryEscape(id), nil).Want(t, 200)
	idp.Trust(t, c["spEntityId"].(string), meta.Body, encrypt)
	return c
}

// prelogin asks where alice goes and returns the address.
func (e *env) prelogin(t *testing.T, email string) map[string]any {
	t.Helper()
	return e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin", map[string]any{"email": email}).Want(t, 200).Map(t)
}

// postSAML posts a SAMLResponse to the ACS as the browser client does.
func (e *env) postSAML(t *testing.T, c *apitest.Client, samlResponse, relayState string) *apitest.Response {
	t.Helper()
	return c.Do(t, "POST", "/identity/resources/auth/v1/user/saml/postlogin",
		map[string]any{"SAMLResponse": samlResponse, "RelayState": relayState})
}

// tamper rewrites the XML inside a base64 SAMLResponse.
func tamper(t *testing.T, samlResponse, old, replacement string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(samlResponse)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), old) {
		t.Fatalf("response does not contain %q", old)
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), old, replacement, 1)))
}

// refreshCookie returns the refresh cookie a response sets, or "".
func refreshCookie(r *apitest.Response, clientID string) string {
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "fe_refresh_"+strings.ReplaceAll(clientID, "-", "") && ck.Value != "" {
			return ck.Value
		}
	}
	return ""
}
