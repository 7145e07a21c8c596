package policy

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Core is the environment's core settings (Frontegg's vendor configuration).
type Core struct {
	DefaultTokenExpiration              int      `json:"defaultTokenExpiration"`        // seconds
	DefaultRefreshTokenExpiration       int      `json:"defaultRefreshTokenExpiration"` // seconds
	CookieSameSite                      string   `json:"cookieSameSite"`                // STRICT, LAX, NONE
	MachineToMachineAuthStrategy        string   `json:"machineToMachineAuthStrategy"`
	AllowSignups                        bool     `json:"allowSignups"`
	APITokensEnabled                    bool     `json:"apiTokensEnabled"`
	AllowOverridePasswordComplexity     bool     `json:"allowOverridePasswordComplexity"`
	AllowOverridePasswordExpiration     bool     `json:"allowOverridePasswordExpiration"`
	AllowOverrideEnforcePasswordHistory bool     `json:"allowOverrideEnforcePasswordHistory"`
	JWTAlgorithm                        string   `json:"jwtAlgorithm"`
	AllowNotVerifiedUsersLogin          bool     `json:"allowNotVerifiedUsersLogin"`
	ForcePermissions                    bool     `json:"forcePermissions"`
	AddSamlAttributesToJWT              bool     `json:"addSamlAttributesToJwt"`
	AuthStrategy                        string   `json:"authStrategy"`
	DefaultPasswordlessTokenExpiration  int      `json:"defaultPasswordlessTokenExpiration"`
	ForceSameDeviceOnAuth               bool     `json:"forceSameDeviceOnAuth"`
	AllowTenantInvitations              bool     `json:"allowTenantInvitations"`
	RotateRefreshTokens                 bool     `json:"rotateRefreshTokens"`
	SkipTenantValidation                bool     `json:"skipTenantValidation"`
	AddRolesToJWT                       bool     `json:"addRolesToJwt"`
	AddPermissionsToJWT                 bool     `json:"addPermissionsToJwt"`
	AllowCustomLoginTenantSwitch        bool     `json:"allowCustomLoginTenantSwitch"`
	RefreshTokensRotationLimit          int      `json:"refreshTokensRotationLimit"`
	AllowedOrigins                      []string `json:"allowedOrigins"`
	// Session lifetime: a login's refresh tokens die this long after the login (seconds).
	SessionAbsoluteTimeout int `json:"sessionAbsoluteTimeout"`
}

// CoreName is the settings document that holds Core.
const CoreName = "core"

// DefaultCore returns Frontegg's defaults: day-long access tokens, month-long
// refresh tokens, rotation on, sign-ups off, RS256.
func DefaultCore() Core {
	return Core{
		DefaultTokenExpiration:             86400,
		DefaultRefreshTokenExpiration:      2592000,
		CookieSameSite:                     "NONE",
		MachineToMachineAuthStrategy:       "ClientCredentials",
		APITokensEnabled:                   true,
		JWTAlgorithm:                       "RS256",
		AuthStrategy:                       "EmailAndPassword",
		DefaultPasswordlessTokenExpiration: 300,
		AllowTenantInvitations:             true,
		RotateRefreshTokens:                true,
		AddRolesToJWT:                      true,
		AddPermissionsToJWT:                true,
		RefreshTokensRotationLimit:         100,
		SessionAbsoluteTimeout:             2592000,
	}
}

var (
	sameSiteValues     = []string{"STRICT", "LAX", "NONE"}
	m2mValues          = []string{"ClientCredentials", "AccessToken"}
	jwtAlgorithmValues = []string{"RS256"}
	authStrategyValues = []string{"EmailAndPassword", "MagicLink", "Code", "NoLocalAuthentication", "SmsCode",
		"UsernameAndPassword", "UsernameAndMagicLink", "UsernameAndCode", "UsernameAndSms"}
)

// Validate checks c's values and returns a 400 naming the first bad field.
func (c *Core) Validate() error {
	switch {
	case c.DefaultTokenExpiration < 60 || c.DefaultTokenExpiration > 30*86400:
		return iam.Invalid("defaultTokenExpiration must be between 60 and 2592000 seconds")
	case c.DefaultRefreshTokenExpiration < 60 || c.DefaultRefreshTokenExpiration > 365*86400:
		return iam.Invalid("defaultRefreshTokenExpiration must be between 60 and 31536000 seconds")
	case !slices.Contains(sameSiteValues, c.CookieSameSite):
		return iam.Invalid("cookieSameSite must be one of STRICT, LAX, NONE")
	case !slices.Contains(m2mValues, c.MachineToMachineAuthStrategy):
		return iam.Invalid("machineToMachineAuthStrategy must be one of ClientCredentials, AccessToken")
	case !slices.Contains(jwtAlgorithmValues, c.JWTAlgorithm):
		// HS256 would hand every token verifier the power to mint tokens.
		return iam.Invalid("jwtAlgorithm must be RS256")
	case !slices.Contains(authStrategyValues, c.AuthStrategy):
		return iam.Invalid("authStrategy must be one of EmailAndPassword, MagicLink, Code, NoLocalAuthentication, SmsCode, UsernameAndPassword, UsernameAndMagicLink, UsernameAndCode, UsernameAndSms")
	case c.DefaultPasswordlessTokenExpiration < 30 || c.DefaultPasswordlessTokenExpiration > 86400:
		return iam.Invalid("defaultPasswordlessTokenExpiration must be between 30 and 86400 seconds")
	case c.RefreshTokensRotationLimit < 1 || c.RefreshTokensRotationLimit > 1000:
		return iam.Invalid("refreshTokensRotationLimit must be between 1 and 1000")
	case c.SessionAbsoluteTimeout < 60:
		return iam.Invalid("sessionAbsoluteTimeout must be at least 60 seconds")
	}
	for _, o := range c.AllowedOrigins {
		if CanonicalOrigin(o) != o {
			return iam.Invalid("allowedOrigins must hold origins such as https://app.example.com (scheme and host, no path): %q is not one", o)
		}
	}
	return nil
}

// CanonicalOrigin returns s as a browser sends it in the Origin header
// (lower-case scheme and host, the port only when not the default, no
// trailing slash), or "" when s is not an http or https origin. CORS compares
// origins as strings, so only canonical ones are stored.
func CanonicalOrigin(s string) string {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.User != nil,
		u.Path != "", u.RawQuery != "", u.Fragment != "", u.Opaque != "":
		return ""
	}
	host := u.Host
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		host = strings.TrimSuffix(host, ":"+p) // browsers leave the default port out
	}
	return strings.ToLower(u.Scheme + "://" + host)
}

// Settings reads settings documents through a cache that lives cacheTTL, so a
// change made on another node takes effect within that time; a change made on
// this node takes effect at once (Invalidate).
type Settings struct {
	DB  *store.DB
	Now func() time.Time

	mu       sync.Mutex
	core     Core
	loadedAt time.Time
}

const cacheTTL = time.Second

// Core returns the current core settings (defaults where never saved).
func (s *Settings) Core(ctx context.Context) (Core, error) {
	now := s.Now()
	s.mu.Lock()
	if !s.loadedAt.IsZero() && now.Sub(s.loadedAt) < cacheTTL {
		c := s.core
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	c := DefaultCore()
	if err := s.DB.FindSetting(ctx, "", CoreName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return c, err
	}
	s.mu.Lock()
	s.core, s.loadedAt = c, now
	s.mu.Unlock()
	return c, nil
}

// SaveCore validates and stores c.
func (s *Settings) SaveCore(ctx context.Context, c Core) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.DB.SaveSetting(ctx, "", CoreName, c, s.Now()); err != nil {
		return err
	}
	s.remember(c)
	return nil
}

// UpdateCore applies change to the stored core settings (defaults where never
// saved), validates the result and stores it, as one read-modify-write that
// concurrent updates cannot interleave with. It returns the saved settings, or
// Validate's 400 with nothing saved. The change takes effect on this node at
// once and on others within the cache's lifetime.
func (s *Settings) UpdateCore(ctx context.Context, change func(*Core)) (Core, error) {
	c := DefaultCore()
	err := s.DB.UpdateSetting(ctx, "", CoreName, &c, s.Now(), func(bool) error {
		change(&c)
		return c.Validate()
	})
	if err != nil {
		return Core{}, err
	}
	s.remember(c)
	return c, nil
}

func (s *Settings) remember(c Core) {
	s.mu.Lock()
	s.core, s.loadedAt = c, s.Now()
	s.mu.Unlock()
}

// CachedCore returns the last loaded core settings without touching the
// database; for callers on every request (CORS) that tolerate staleness.
func (s *Settings) CachedCore() Core {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loadedAt.IsZero() {
		return DefaultCore()
	}
	return s.core
}
