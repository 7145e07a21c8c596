package oauth

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the hosted login and the OAuth and OpenID Connect routes.
type Handler struct {
	DB          *store.DB
	Login       *login.Service
	Cookies     *login.Cookies
	Issuer      *token.Issuer
	Tokens      *token.Authenticator // reads the bearer access token of userinfo
	Revocations *token.Revocations
	Settings    *policy.Settings
	Audit       *audit.Recorder
	Accounts    Accounts        // password login, reset and sign-up, as the JSON routes do them
	MFA         MFA             // nil: logins that need a second factor cannot finish on the page
	SSO         SSO             // nil: no SSO redirect and no social buttons on the page
	Captcha     *policy.Captcha // nil: the page shows no captcha (the login still checks it)
	BaseURL     string          // the public URL: the OpenID issuer
	ClientID    string          // the environment's client id: its own OAuth client
	APIKeyHash  string          // SHA-256 of the environment's API key: that client's secret
	// SecretKey is the environment's secret: it signs the page's
	// authorization tickets and CSRF tokens.
	SecretKey []byte
	Log       *slog.Logger
	Now       func() time.Time

	// Applications are the registered clients (clients.go); nil: only the
	// environment's own.
	Applications Applications
}

// Accounts is what the login page asks of the authentication routes (package
// auth), so that a form and the JSON route share one code path. Errors are
// *iam.Error values whose messages the page shows as they are.
type Accounts interface {
	// PasswordLogin checks email and password and completes the login
	// (login.Service.Complete): tokens, or a second-factor challenge.
	PasswordLogin(r *http.Request, email, password, recaptchaToken string) (*login.Result, error)
	// SendPasswordReset emails a reset link when email has a user; it
	// answers the same when it does not.
	SendPasswordReset(ctx context.Context, email string) error
	// SignUp creates an account with its first user; the result is nil when
	// the user must activate through an emailed link first.
	SignUp(r *http.Request, email, name, password, companyName, recaptchaToken string) (*login.Result, error)
}

// MFA finishes a login that login.Service.Complete challenged for a second
// factor (Response.MFARequired with Response.MFAToken). Its errors are
// *iam.Error values the page shows.
type MFA interface {
	// Devices returns the second factors the user of the login challenged
	// with mfaToken can prove on the page.
	Devices(ctx context.Context, mfaToken string) (*login.MFADevices, error)
	// Send sends a one-time code for that login — method "email" to the
	// user's address, "sms" to the SMS device deviceID — and returns the
	// otcToken that Verify needs with it.
	Send(ctx context.Context, mfaToken, method, deviceID string) (otcToken string, err error)
	// Verify checks code for the login challenged with mfaToken and
	// completes it: a code Send sent (method and otcToken set), or with
	// method "" an authenticator-app code or a recovery code. It may set
	// cookies on w (remember this device) but writes no body.
	Verify(w http.ResponseWriter, r *http.Request, mfaToken, method, otcToken, code string, rememberDevice bool) (*login.Result, error)
}

// SSO sends users of claimed email domains to their identity provider and
// lists the social login buttons. Once the provider's login has set the
// refresh cookie (or, when the user has a second factor to prove, the
// pending-MFA cookie: login.Cookies.ReturnToHostedPage), the browser is sent
// to returnTo — the authorization request again, which then issues a code
// or asks for the second factor. returnTo is always an authorization request
// at Hatch's own endpoint (login.HostedReturnTo).
type SSO interface {
	// Prelogin returns where to send a user with email, and ok false when
	// the email's domain has no single sign-on. It may set cookies on w
	// (binding the login to the browser) but writes no body.
	Prelogin(w http.ResponseWriter, r *http.Request, email, returnTo string) (redirectURL string, ok bool, err error)
	// Providers returns the active social providers with the URL that starts
	// each one's login.
	Providers(ctx context.Context, returnTo string) ([]Provider, error)
}

// Provider is a social login button.
type Provider struct {
	Name string // shown on the button: "Google", "GitHub"…
	URL  string // where the button sends the browser
}
