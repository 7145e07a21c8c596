package app_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/app"
)

// operational routes are Hatch's own, not Frontegg's.
var operational = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /.well-known/jwks.json": true,
}

// hatchOwn are Hatch's own routes of the hosted login (package oauth; README
// "Hosted login"): OpenID Connect's, the login page's forms and its SSO and
// social logins' callbacks (packages sso and social), the page's branding,
// and the parts of Terraform's hosted-login configuration the catalog names
// only in passing (activate, deactivate, deleting a redirect URI).
var hatchOwn = map[string]bool{
	"GET /oauth/userinfo": true, "POST /oauth/userinfo": true, "GET /.well-known/openid-configuration": true,
	"POST /oauth/authorize": true,
	"GET /oauth/login":      true, "POST /oauth/login": true, "POST /oauth/login/mfa": true, "POST /oauth/login/sso": true,
	"POST /oauth/login/mfa/send": true, "GET /oauth/sso/oidc/callback": true,
	"GET /oauth/social/{provider}": true, "GET /oauth/social/{provider}/callback": true, "POST /oauth/social/{provider}/callback": true,
	"GET /oauth/forgot-password": true, "POST /oauth/forgot-password": true, "GET /oauth/signup": true, "POST /oauth/signup": true,
	"POST /oauth/resources/configurations/v1/activate": true, "POST /oauth/resources/configurations/v1/deactivate": true,
	"DELETE /oauth/resources/configurations/v1/redirect-uri/{id}": true,
	"GET /oauth/resources/login-page/v1":                          true, "PUT /oauth/resources/login-page/v1": true,
}

// TestRoutesMatchFronteggSpec checks that every route Hatch registers is one
// Frontegg documents — in its OpenAPI documents or, for routes only the
// official clients call, in the compatibility catalog — so that no path is
// misspelled or invented. It logs how much of each tag is served.
func TestRoutesMatchFronteggSpec(t *testing.T) {
	spec := apitest.LoadSpec(t)
	served := map[string]bool{}
	for _, r := range app.Routes() {
		if operational[r] || hatchOwn[r] {
			continue
		}
		method, path, _ := strings.Cut(r, " ")
		if op := spec.Find(method, path); op != nil {
			served[op.Method+" "+op.Path] = true
			continue
		}
		if !spec.InCatalog(method, path) {
			t.Errorf("%s is in neither the OpenAPI documents nor the catalog", r)
		}
	}
	type tally struct{ served, total int }
	byTag := map[string]*tally{}
	for _, op := range spec.Ops {
		for _, tag := range op.Tags {
			if byTag[tag] == nil {
				byTag[tag] = &tally{}
			}
			byTag[tag].total++
			if served[op.Method+" "+op.Path] {
				byTag[tag].served++
			}
		}
	}
	tags := make([]string, 0, len(byTag))
	for tag := range byTag {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	var b strings.Builder
	for _, tag := range tags {
		fmt.Fprintf(&b, "  %-40s %3d/%d\n", tag, byTag[tag].served, byTag[tag].total)
	}
	t.Logf("documented operations served, by tag:\n%s", b.String())
}

// TestRequestsMatchTheirOperation checks that a request to each route Hatch
// serves resolves (apitest.Spec.Match, which the shape check of every test
// uses) to the operation the route implements — and to none for the routes
// only the catalog lists — so that no response is checked against another
// operation's schema.
func TestRequestsMatchTheirOperation(t *testing.T) {
	spec := apitest.LoadSpec(t)
	for _, r := range app.Routes() {
		method, pattern, _ := strings.Cut(r, " ")
		path := strings.TrimSuffix(pattern, "{$}")
		path = wildcardRE.ReplaceAllString(path, "x")
		want, got := spec.Find(method, pattern), spec.Match(method, path)
		if got != want {
			t.Errorf("%s: a request to %s matches %v, want %v", r, path, opName(got), opName(want))
		}
	}
}

var wildcardRE = regexp.MustCompile(`\{[^}]+\}`)

func opName(o *apitest.Operation) string {
	if o == nil {
		return "no documented operation"
	}
	return o.Method + " " + o.Path
}
