package sso_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/sso/ssotest"
)

// A user of a domain the account validated is sent to the IdP at prelogin,
// the IdP's signed response logs them in at the ACS, they are created just
// in time with the roles their groups map to, and the access token passes
// the checks @frontegg/client makes.
func TestSAMLLogin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		idp := ssotest.StartSAML(t)
		c := e.samlSetup(t, idp, nil, true) // assertions encrypted to Hatch's SP key
		id := c["id"].(string)
		a := e.admin(t)
		engineers, admins := e.seedRole(t, "engineer"), e.seedRole(t, "admin")
		viewer := e.seedRole(t, "viewer")
		a.Do(t, "POST", configsURL+"/"+id+"/groups", map[string]any{"group": "Engineering", "roleIds": []string{engineers}}).Want(t, 201)
		a.Do(t, "POST", configsURL+"/"+id+"/groups", map[string]any{"group": "Admins", "roleIds": []string{admins}}).Want(t, 201)
		a.Do(t, "PUT", configsURL+"/"+id+"/roles", map[string]any{"roleIds": []string{viewer}}).Want(t, 201)

		idp.SetUser("alice@acme.test", "Alice Liddell", "engineering")
		pre := e.prelogin(t, "Alice@Acme.test")
		if pre["idpType"] != "saml" || !strings.HasPrefix(pre["address"].(string), idp.URL+"/sso?SAMLRequest=") {
			t.Fatalf("prelogin: %v", pre)
		}
		resp, relay, action := browse(t, pre["address"].(string))
		if action != e.URL+"/identity/resources/auth/v1/user/saml/postlogin" || relay == "" {
			t.Fatalf("idp posts to %q with RelayState %q", action, relay)
		}
		browser := e.Anon()
		r := e.postSAML(t, browser, resp, relay).Want(t, 200)
		var out apitest.LoginResponse
		r.JSON(t, &out)
		if out.AccessToken == "" || out.RefreshToken == "" || out.MFARequired {
			t.Fatalf("login response: %s", r.Body)
		}
		if refreshCookie(r, e.ClientID) != out.RefreshToken {
			t.Fatalf("refresh cookie not set: %v", r.Header["Set-Cookie"])
		}
		claims := e.VerifyUserToken(t, out.AccessToken)
		if claims["email"] != "alice@acme.test" || claims["tenantId"] != e.tenant.TenantID || !slices.Contains(toStrings(claims["amr"]), "sso") {
			t.Fatalf("claims: %v", claims)
		}
		if got := e.userRoles(t, "alice@acme.test"); !slices.Equal(got, []string{"engineer", "viewer"}) {
			t.Fatalf("roles %v, want engineer and viewer", got)
		}
		u, err := e.DB.FindUserByEmail(context.Background(), "alice@acme.test")
		if err != nil || u.Provider != "saml" || !u.Verified || u.Name != "Alice Liddell" {
			t.Fatalf("user %+v, %v", u, err)
		}
		// The refresh cookie refreshes like a password login's.
		browser.Do(t, "POST", "/identity/resources/auth/v1/user/token/refresh", map[string]any{}).Want(t, 201)

		// Next time alice is also in Admins: the mapped role is added, none taken away.
		idp.SetUser("alice@acme.test", "Alice Liddell", "Engineering", "Admins")
		resp, relay, _ = browse(t, e.prelogin(t, "alice@acme.test")["address"].(string))
		e.postSAML(t, e.Anon(), resp, relay).Want(t, 200)
		if got := e.userRoles(t, "alice@acme.test"); !slices.Equal(got, []string{"admin", "engineer", "viewer"}) {
			t.Fatalf("roles %v after the second login", got)
		}

		// v2 prelogin answers the same way; unknown domains have no SSO.
		v2 := e.Anon().Do(t, "POST", "/identity/resources/auth/v2/user/sso/prelogin", map[string]any{"email": "bob@acme.test"}).Want(t, 200).Map(t)
		if v2["idpType"] != "saml" || v2["addressType"] != "sso" {
			t.Fatalf("v2 prelogin: %v", v2)
		}
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin", map[string]any{"email": "bob@other.test"}).WantError(t, 404, "SSO is not configured")
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin", map[string]any{}).WantError(t, 400, "email is required")
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin",
			map[string]any{"email": "bob@acme.test", "tenantId": "another"}).WantError(t, 404, "SSO is not configured")
	})
}

// The IdP's form post to the ACS (HTTP-POST binding) logs the browser in
// with the refresh cookie and sends it back to the application that asked.
func TestSAMLFormPost(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		idp := ssotest.StartSAML(t)
		e.samlSetup(t, idp, nil, false)
		idp.SetUser("carol@acme.test", "Carol")
		pre := e.Anon().With("Origin", "https://app.example.test").Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin",
			map[string]any{"email": "carol@acme.test"}).Want(t, 200).Map(t)
		resp, relay, _ := browse(t, pre["address"].(string))
		form := url.Values{"SAMLResponse": {resp}, "RelayState": {relay}}.Encode()
		r := e.Anon().With("Content-Type", "application/x-www-form-urlencoded").Do(t, "POST", "/identity/resources/auth/v1/user/saml/postlogin", form).Want(t, 303)
		if loc := r.Header.Get("Location"); loc != "https://app.example.test/" {
			t.Fatalf("redirected to %q", loc)
		}
		if refreshCookie(r, e.ClientID) == "" {
			t.Fatalf("no refresh cookie: %v", r.Header["Set-Cookie"])
		}
	})
}

// Responses that do not verify are refused: tampered, expired, replayed,
// for another audience or another recipient, unsolicited when the
// configuration does not allow it, or for an address outside the domains
// the account validated.
func TestSAMLRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		idp := ssotest.StartSAML(t)
		c := e.samlSetup(t, idp, map[string]any{"idpInitiated": true}, false)
		sp := c["spEntityId"].(string)
		idp.SetUser("dave@acme.test", "Dave")
		initiated := func(spID string) string {
			t.Helper()
			resp, _, _ := browse(t, idp.URL+"/initiate?sp="+url.QueryEscape(spID))
			return resp
		}

		// Unsolicited responses are accepted here (idpInitiated), once.
		resp := initiated(sp)
		e.postSAML(t, e.Anon(), resp, "").Want(t, 200)
		e.postSAML(t, e.Anon(), resp, "").WantError(t, 401, "The SAML response is not valid")
		var n int
		if err := e.raw.QueryRow(`SELECT COUNT(*) FROM saml_assertions`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("remembered assertions: %d, %v", n, err)
		}

		// An SP-initiated response is tied to its RelayState, once.
		pre := e.prelogin(t, "dave@acme.test")
		resp, relay, _ := browse(t, pre["address"].(string))
		e.postSAML(t, e.Anon(), resp, relay).Want(t, 200)
		e.postSAML(t, e.Anon(), resp, relay).WantError(t, 401, "not valid")

		// Tampered: the email changed after signing.
		resp, relay, _ = browse(t, e.prelogin(t, "dave@acme.test")["address"].(string))
		e.postSAML(t, e.Anon(), tamper(t, resp, "dave@acme.test", "boss@acme.test"), relay).WantError(t, 401, "not valid")

		// Expired: issued by an IdP whose clock is an hour behind.
		idp.SetOffset(-time.Hour)
		e.postSAML(t, e.Anon(), initiated(sp), "").WantError(t, 401, "not valid")
		idp.SetOffset(0)

		// Expired on Hatch's side too: a valid response posted after its window.
		resp = initiated(sp)
		e.Clock.Advance(10 * time.Minute)
		e.postSAML(t, e.Anon(), resp, "").WantError(t, 401, "not valid")
		e.Clock.Advance(-10 * time.Minute)

		// Wrong audience: signed for another SP entity id of this configuration's shape.
		spMeta, _ := idp.GetServiceProvider(nil, sp)
		idp.TrustCopy("other-audience", spMeta, sp+"&tenant=other", e.URL+"/identity/resources/auth/v1/user/saml/postlogin")
		e.postSAML(t, e.Anon(), initiated("other-audience"), "").WantError(t, 401, "not valid")

		// Wrong recipient: addressed to another ACS.
		idp.TrustCopy("other-acs", spMeta, sp, "https://evil.example.test/acs")
		e.postSAML(t, e.Anon(), initiated("other-acs"), "").WantError(t, 401, "not valid")

		// An address outside the validated domains is not logged in.
		idp.SetUser("eve@other.test", "Eve")
		e.postSAML(t, e.Anon(), initiated(sp), "").WantError(t, 403, "not validated")

		// Without idpInitiated, unsolicited responses are refused.
		e.admin(t).Do(t, "PATCH", configsURL+"/"+c["id"].(string), map[string]any{"configMetadata": map[string]any{"idpInitiated": false}}).Want(t, 200)
		idp.SetUser("dave@acme.test", "Dave")
		e.postSAML(t, e.Anon(), initiated(sp), "").WantError(t, 401, "not valid")

		// A disabled configuration logs no one in.
		resp, relay, _ = browse(t, e.prelogin(t, "dave@acme.test")["address"].(string))
		e.admin(t).Do(t, "PATCH", configsURL+"/"+c["id"].(string), map[string]any{"enabled": false}).Want(t, 200)
		e.postSAML(t, e.Anon(), resp, relay).WantError(t, 401, "not valid")
		e.Anon().Do(t, "POST", "/identity/resources/auth/v1/user/saml/prelogin", map[string]any{"email": "dave@acme.test"}).WantError(t, 404, "SSO is not configured")

		// Malformed input.
		e.postSAML(t, e.Anon(), "", "").WantError(t, 400, "SAMLResponse is required")
		e.postSAML(t, e.Anon(), "%%%", "").WantError(t, 400, "base64")
	})
}

func toStrings(v any) []string {
	var out []string
	if vs, ok := v.([]any); ok {
		for _, x := range vs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
