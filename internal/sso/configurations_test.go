package sso_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/sso/ssotest"
)

func TestConfigurations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		idp := ssotest.StartSAML(t)
		pem := idp.CertPEM()
		c := a.Do(t, "POST", configsURL, map[string]any{"enabled": true, "ssoEndpoint": idp.URL + "/sso", "publicCertificate": pem,
			"signRequest": true, "type": "saml", "acsUrl": "https://ignored.example", "configMetadata": map[string]any{"idpEntityId": idp.URL + "/metadata"}}).Want(t, 201).Map(t)
		id := c["id"].(string)
		if c["acsUrl"] != e.URL+"/identity/resources/auth/v1/user/saml/postlogin" || !strings.HasPrefix(c["spEntityId"].(string), e.URL+"/team/") ||
			c["signRequest"] != true || c["enabled"] != true || c["tenantId"] != e.tenant.TenantID || c["publicCertificate"] != pem ||
			c["idpEntityId"] != idp.URL+"/metadata" {
			t.Fatalf("created: %v", c)
		}
		list := a.Do(t, "GET", configsURL, nil).Want(t, 200)
		var items []map[string]any
		list.JSON(t, &items)
		if len(items) != 1 || items[0]["id"] != id {
			t.Fatalf("list: %s", list.Body)
		}
		u := a.Do(t, "PATCH", configsURL+"/"+id, map[string]any{"enabled": false, "signRequest": false}).Want(t, 200).Map(t)
		if u["enabled"] != false || u["signRequest"] != false || u["ssoEndpoint"] != idp.URL+"/sso" {
			t.Fatalf("patched: %v", u)
		}

		// Bad input names the field; nothing is written.
		for _, tc := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"type": "kerberos"}, "type must be one of saml, oidc"},
			{map[string]any{"ssoEndpoint": "not a url"}, "ssoEndpoint must be an absolute URL"},
			{map[string]any{"publicCertificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}, "publicCertificate is not a valid X.509 certificate"},
			{map[string]any{"configMetadata": "text"}, "configMetadata must be an object"},
			{map[string]any{"configMetadata": map[string]any{"idpInitiated": 3}}, "configMetadata.idpInitiated must be a boolean"},
			{map[string]any{"enabled": "yes"}, "enabled must be of type boolean"},
		} {
			a.Do(t, "POST", configsURL, tc.body).WantError(t, 400, tc.want)
			a.Do(t, "PATCH", configsURL+"/"+id, tc.body).WantError(t, 400, tc.want)
		}
		a.Do(t, "PATCH", configsURL+"/nope", map[string]any{}).WantError(t, 404, "SSO configuration not found")
		e.Vendor(t).Do(t, "GET", configsURL, nil).WantError(t, 400, "frontegg-tenant-id header is required")
		e.Vendor(t).With("frontegg-tenant-id", "no-such-account").Do(t, "POST", configsURL, map[string]any{}).WantError(t, 404, "Account not found")

		// Another account sees none of them.
		other := e.SeedTenant(t, "Other")
		e.Vendor(t).With("frontegg-tenant-id", other.TenantID).Do(t, "DELETE", configsURL+"/"+id, nil).WantError(t, 404, "not found")

		// Callers: users need the permission; anonymous callers are refused.
		e.SeedUser(t, e.tenant.TenantID, "plain@acme.test", "Passw0rd!Passw0rd")
		user, _ := e.Login(t, "plain@acme.test", "Passw0rd!Passw0rd")
		user.Do(t, "GET", configsURL, nil).WantError(t, 403, "Insufficient permissions")
		e.Anon().Do(t, "GET", configsURL, nil).WantError(t, 401, "")

		a.Do(t, "DELETE", configsURL+"/"+id, nil).Want(t, 200)
		a.Do(t, "DELETE", configsURL+"/"+id, nil).WantError(t, 404, "not found")
	})
}

// IdP metadata: uploaded as the XML file, sent in JSON, or fetched from a URL.
func TestMetadata(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		idp := ssotest.StartSAML(t)
		xml := idp.Metadata(t)
		c := a.With("Content-Type", "application/xml").Do(t, "POST", configsURL+"/metadata", xml).Want(t, 201).Map(t)
		if c["ssoEndpoint"] != idp.URL+"/sso" || c["idpEntityId"] != idp.URL+"/metadata" || c["publicCertificate"] != idp.CertPEM() || c["type"] != "saml" {
			t.Fatalf("by file: %v", c)
		}
		id := c["id"].(string)
		other := ssotest.StartSAML(t)
		u := a.Do(t, "PUT", configsURL+"/"+id+"/metadata", map[string]any{"metadata": other.Metadata(t)}).Want(t, 200).Map(t)
		if u["ssoEndpoint"] != other.URL+"/sso" {
			t.Fatalf("by JSON: %v", u)
		}
		byURL := a.Do(t, "POST", configsURL+"/metadata-url", map[string]any{"url": idp.URL + "/metadata",
			"configMetadata": map[string]any{"idpInitiated": "true"}}).Want(t, 200).Map(t)
		if byURL["metadataUrl"] != idp.URL+"/metadata" || byURL["ssoEndpoint"] != idp.URL+"/sso" {
			t.Fatalf("by URL: %v", byURL)
		}
		a.Do(t, "PUT", configsURL+"/"+byURL["id"].(string)+"/metadata-url", map[string]any{"url": other.URL + "/metadata"}).Want(t, 200)

		a.Do(t, "POST", configsURL+"/metadata", map[string]any{"metadata": "<nope/>"}).WantError(t, 400, "not SAML identity provider metadata")
		a.Do(t, "POST", configsURL+"/metadata", map[string]any{}).WantError(t, 400, "metadata is required")
		a.Do(t, "POST", configsURL+"/metadata-url", map[string]any{}).WantError(t, 400, "url is required")
		a.Do(t, "POST", configsURL+"/metadata-url", map[string]any{"url": "ftp://x"}).WantError(t, 400, "url must be an https URL")
		a.Do(t, "POST", configsURL+"/metadata-url", map[string]any{"url": idp.URL + "/missing"}).WantError(t, 400, "answered with status 404")
		a.Do(t, "PUT", configsURL+"/nope/metadata", map[string]any{"metadata": xml}).WantError(t, 404, "SSO configuration not found")
	})
}

// Domains are proved with a DNS TXT record; one configuration holds a domain at a time.
func TestDomains(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		c := a.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)
		base := configsURL + "/" + c["id"].(string) + "/domains"
		d := a.Do(t, "POST", base, map[string]any{"domain": "Example.TEST"}).Want(t, 201).Map(t)
		if d["domain"] != "example.test" || d["validated"] != false || !strings.HasPrefix(d["txtRecord"].(string), "hatch-sso-verification=") {
			t.Fatalf("domain: %v", d)
		}
		a.Do(t, "POST", base, map[string]any{"domain": "example.test"}).WantError(t, 409, "already claims")
		a.Do(t, "POST", base, map[string]any{"domain": "https://x.test/"}).WantError(t, 400, "domain must be a domain name")
		a.Do(t, "POST", base, map[string]any{}).WantError(t, 400, "domain is required")

		validate := base + "/" + d["id"].(string) + "/validate"
		a.Do(t, "PUT", validate, nil).WantError(t, 400, "No TXT record")
		e.dns.set("example.test", "something else")
		a.Do(t, "PUT", validate, nil).WantError(t, 400, "No TXT record")
		e.dns.set("example.test", d["txtRecord"].(string))
		if v := a.Do(t, "PUT", validate, nil).Want(t, 200).Map(t); v["validated"] != true {
			t.Fatalf("validated: %v", v)
		}

		// A second account claiming the same domain cannot validate it.
		other := e.SeedTenant(t, "Other")
		o := e.Vendor(t).With("frontegg-tenant-id", other.TenantID)
		oc := o.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)
		od := o.Do(t, "POST", configsURL+"/"+oc["id"].(string)+"/domains", map[string]any{"domain": "example.test"}).Want(t, 201).Map(t)
		e.dns.set("example.test", d["txtRecord"].(string), od["txtRecord"].(string))
		o.Do(t, "PUT", "/team/resources/sso/v2/configurations/"+oc["id"].(string)+"/domains/"+od["id"].(string)+"/validate", nil).
			WantError(t, 409, "already validated by another SSO configuration")
		e.Vendor(t).Do(t, "PUT", configsURL+"/domains/example.test/force-validate", map[string]any{}).Want(t, 200) // stays with its holder
		if strings.Contains(string(o.Do(t, "GET", configsURL, nil).Body), `"validated":true`) {
			t.Fatal("force-validate moved a validated domain")
		}

		// The vendor may validate without DNS.
		a.Do(t, "POST", base, map[string]any{"domain": "forced.test"}).Want(t, 201)
		e.Vendor(t).Do(t, "PUT", configsURL+"/domains/forced.test/force-validate", map[string]any{}).Want(t, 200)
		e.Vendor(t).Do(t, "PUT", configsURL+"/domains/unclaimed.test/force-validate", map[string]any{}).WantError(t, 404, "No SSO configuration claims")
		got := a.Do(t, "GET", configsURL, nil).Want(t, 200)
		if !strings.Contains(string(got.Body), `"domain":"forced.test","validated":true`) {
			t.Fatalf("forced domain not validated: %s", got.Body)
		}

		a.Do(t, "DELETE", base+"/"+d["id"].(string), nil).Want(t, 200)
		a.Do(t, "DELETE", base+"/"+d["id"].(string), nil).WantError(t, 404, "SSO domain not found")
		a.Do(t, "PUT", validate, nil).WantError(t, 404, "SSO domain not found")
	})
}

func TestRolesAndGroups(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		c := a.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)
		base := configsURL + "/" + c["id"].(string)
		r1, r2 := e.seedRole(t, "r1"), e.seedRole(t, "r2")

		if got := a.Do(t, "GET", base+"/roles", nil).Want(t, 200).Map(t); len(got["roleIds"].([]any)) != 0 {
			t.Fatalf("roles: %v", got)
		}
		a.Do(t, "PUT", base+"/roles", map[string]any{"roleIds": []string{r1, r2, r1}}).Want(t, 201)
		if got := a.Do(t, "GET", base+"/roles", nil).Want(t, 200).Map(t); len(got["roleIds"].([]any)) != 2 {
			t.Fatalf("roles: %v", got)
		}
		a.Do(t, "PUT", base+"/roles", map[string]any{"roleIds": []string{"nope"}}).WantError(t, 404, "Role not found")
		a.Do(t, "PUT", base+"/roles", map[string]any{}).WantError(t, 400, "roleIds is required")

		g := a.Do(t, "POST", base+"/groups", map[string]any{"group": "Admins", "roleIds": []string{r1}}).Want(t, 201).Map(t)
		a.Do(t, "POST", base+"/groups", map[string]any{"group": "Admins", "roleIds": []string{}}).WantError(t, 409, "already mapped")
		a.Do(t, "POST", base+"/groups", map[string]any{"roleIds": []string{}}).WantError(t, 400, "group is required")
		a.Do(t, "POST", base+"/groups", map[string]any{"group": "X", "roleIds": []string{"nope"}}).WantError(t, 404, "Role not found")
		u := a.Do(t, "PATCH", base+"/groups/"+g["id"].(string), map[string]any{"group": "Owners", "roleIds": []string{r2}}).Want(t, 200).Map(t)
		if u["group"] != "Owners" || u["roleIds"].([]any)[0] != r2 {
			t.Fatalf("updated group: %v", u)
		}
		var groups []map[string]any
		a.Do(t, "GET", base+"/groups", nil).Want(t, 200).JSON(t, &groups)
		if len(groups) != 1 || groups[0]["group"] != "Owners" {
			t.Fatalf("groups: %v", groups)
		}
		a.Do(t, "PATCH", base+"/groups/nope", map[string]any{"group": "x"}).WantError(t, 404, "SSO group not found")
		a.Do(t, "DELETE", base+"/groups/"+g["id"].(string), nil).Want(t, 200)
		a.Do(t, "DELETE", base+"/groups/"+g["id"].(string), nil).WantError(t, 404, "SSO group not found")
		a.Do(t, "GET", configsURL+"/nope/groups", nil).WantError(t, 404, "SSO configuration not found")
	})
}

// Hatch's SP metadata, certificate and ACS; the SP private key is sealed at rest.
func TestServiceProvider(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.admin(t)
		a.Do(t, "GET", teamV1+"/saml/configurations/sp-metadata", nil).WantError(t, 404, "no SAML configuration")
		c := a.Do(t, "POST", configsURL, map[string]any{}).Want(t, 201).Map(t)
		meta := a.Do(t, "GET", teamV1+"/saml/configurations/sp-metadata", nil).Want(t, 200)
		body := string(meta.Body)
		if !strings.Contains(body, `entityID="`+strings.ReplaceAll(c["spEntityId"].(string), "&", "&amp;")+`"`) ||
			!strings.Contains(body, `Location="`+e.URL+`/identity/resources/auth/v1/user/saml/postlogin"`) || !strings.Contains(body, "X509Certificate") {
			t.Fatalf("sp metadata: %s", body)
		}
		cert := a.Do(t, "GET", teamV1+"/saml/configurations/sp-certificate", nil).Want(t, 200).Map(t)
		if !strings.HasPrefix(cert["certificate"].(string), "-----BEGIN CERTIFICATE-----") {
			t.Fatalf("certificate: %v", cert)
		}
		vc := a.Do(t, "GET", teamV1+"/saml/configurations/vendor-config", nil).Want(t, 200).Map(t)
		if vc["acsUrl"] != c["acsUrl"] || vc["spEntityId"] != c["spEntityId"] {
			t.Fatalf("vendor config: %v", vc)
		}
		var raw string
		if err := e.raw.QueryRowContext(context.Background(), `SELECT value FROM settings WHERE name = 'saml-sp-key'`).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, "PRIVATE KEY") || !strings.Contains(raw, `"privateKey":"v1:`) {
			t.Fatalf("sp key stored as %s", raw)
		}
		// The OIDC settings show the redirect URI to register at the IdP.
		o := a.Do(t, "GET", teamV1+"/oidc/configurations", nil).Want(t, 200).Map(t)
		if o["active"] != true || o["redirectUri"] != e.URL+"/account/oidc/callback" {
			t.Fatalf("oidc settings: %v", o)
		}
		a.Do(t, "POST", teamV1+"/oidc/configurations", map[string]any{}).WantError(t, 400, "active is required")
		a.Do(t, "POST", teamV1+"/oidc/configurations", map[string]any{"active": true, "redirectUri": "nope"}).WantError(t, 400, "redirectUri must be an absolute URL")
	})
}
