package auth

import (
	"context"
	"time"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the authentication routes.
type Handler struct {
	DB        *store.DB
	Login     *login.Service
	Cookies   *login.Cookies
	Hasher    *secure.Hasher
	Notifier  *notify.Notifier
	Settings  *policy.Settings
	Captcha   *policy.Captcha   // checks recaptchaToken when the captcha policy is on
	Passwords *policy.Passwords // the password policy every new password passes
	Issuer    *token.Issuer
	// Revocations learns of sessions ended here (password reset or change),
	// so their access tokens are refused on this node at once.
	Revocations *token.Revocations
	ClientID    string
	APIKeyHash  string // SHA-256 of the environment's API key
	Now         func() time.Time
	Audit       *audit.Recorder // records failed vendor-token attempts and password changes

	// Sources is the lazy migration of user pools, consulted by the password
	// login only when the identifier is unknown or its user has no password.
	// It returns the user when an external source accepts the password, nil
	// when none does; an error only for Hatch's own failures. Nil: no sources.
	Sources interface {
		Authenticate(ctx context.Context, identifier, password string) (*iam.User, error)
	}
}
