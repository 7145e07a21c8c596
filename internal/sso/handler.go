package sso

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// DomainPolicy decides whether an email may log in to an account; the
// account's domain restrictions implement it. Allowed returns nil or the
// *iam.Error to answer with.
type DomainPolicy interface {
	Allowed(ctx context.Context, tenantID, email string) error
}

// Handler serves SSO management and SSO logins.
type Handler struct {
	DB       *store.DB
	Login    *login.Service
	Cookies  *login.Cookies
	Settings *policy.Settings
	Sealer   *secure.Sealer
	// BaseURL is Hatch's public URL (HATCH_BASE_URL): the ACS URL and the SP
	// entity ids derive from it.
	BaseURL string
	// Fetch is the HTTP client for the IdP: metadata URLs, OIDC discovery,
	// JWKS and token exchanges. Account admins choose those URLs, so in
	// production its dialer refuses private and loopback addresses (see
	// NewFetchClient).
	Fetch *http.Client
	// AllowInsecureURLs lets account admins configure plain-http IdP URLs
	// (development and tests; Fetch must then allow private addresses too).
	AllowInsecureURLs bool
	// Resolver answers the DNS TXT lookups that prove domain ownership.
	Resolver *net.Resolver
	// Origins returns the browser origins allowed to call Hatch; a form-posted
	// SAML login returns the browser to the one that started it.
	Origins func() []string
	// Domains, when set, is asked before an SSO user is created or logged in
	// (the account's domain restrictions). nil allows every email.
	Domains DomainPolicy
	// ErrorPage shows the errors of the routes browsers reach (the ACS's
	// form posts, the hosted login's OIDC callback) as the hosted login's
	// error page; nil answers them as JSON.
	ErrorPage api.PageErrors
	Now       func() time.Time
}
