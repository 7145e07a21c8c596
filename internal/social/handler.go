package social

import (
	"context"
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

// Handler serves the social login configuration and social logins.
type Handler struct {
	DB       *store.DB
	Login    *login.Service
	Cookies  *login.Cookies
	Settings *policy.Settings
	Sealer   *secure.Sealer
	// Client calls the providers' token and profile endpoints.
	Client *http.Client
	// BaseURLs replace the scheme and host of a built-in provider's
	// endpoints, by provider type (HATCH_SOCIAL_BASE_URLS).
	BaseURLs map[string]string
	// AllowHTTP lets custom providers use plain-http URLs (development, tests).
	AllowHTTP bool
	// Domains, when set, is asked before a social login finishes (the
	// account's domain restrictions). nil allows every email.
	Domains DomainPolicy
	// BaseURL is Hatch's public URL: the hosted login page's social logins
	// come back under it.
	BaseURL string
	// ErrorPage shows the errors of the page's social login routes, which
	// browsers reach, as the hosted login's error page; nil answers them as JSON.
	ErrorPage api.PageErrors
	Now       func() time.Time
}
