package factors

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// MFA enforcement values of the MFA policy (Frontegg's enforceMFAType).
const (
	DontForce       = "DontForce"
	Force           = "Force"
	ForceExceptSAML = "ForceExceptSAML"
)

// MFA strategies, as the login box and the MFA routes name them.
const (
	AuthenticatorApp      = "AuthenticatorApp"
	WebAuthnPlatform      = "WebAuthnPlatform"
	WebAuthnCrossPlatform = "WebAuthnCrossPlatform"
	SMS                   = "SMS"
	EmailCode             = "EmailCode"
)

// Strategies lists every MFA strategy in the order the routes show them.
var Strategies = []string{AuthenticatorApp, WebAuthnPlatform, WebAuthnCrossPlatform, SMS, EmailCode}

// MFAPolicy is when a login needs a second factor, for the environment or,
// as a stricter override, for one account.
type MFAPolicy struct {
	EnforceMFAType        string `json:"enforceMFAType"`
	AllowRememberMyDevice bool   `json:"allowRememberMyDevice"`
	MFADeviceExpiration   int    `json:"mfaDeviceExpiration"` // seconds a remembered browser skips MFA
}

// MFAPolicyName is the settings document of the MFA policy.
const MFAPolicyName = "mfa-policy"

// DefaultMFAPolicy is Frontegg's default: MFA for users who enrolled, no
// remembered browsers, 14 days when they are allowed.
func DefaultMFAPolicy() MFAPolicy {
	return MFAPolicy{EnforceMFAType: DontForce, MFADeviceExpiration: 14 * 86400}
}

var enforceOrder = []string{DontForce, ForceExceptSAML, Force}

// Validate returns a 400 naming the first bad field.
func (p *MFAPolicy) Validate() error {
	switch {
	case !slices.Contains(enforceOrder, p.EnforceMFAType):
		return iam.Invalid("enforceMFAType must be one of DontForce, Force, ForceExceptSAML")
	case p.MFADeviceExpiration < 60 || p.MFADeviceExpiration > 365*86400:
		return iam.Invalid("mfaDeviceExpiration must be between 60 and 31536000 seconds")
	}
	return nil
}

// looserThan returns the first field of p that allows more than env does, or "".
func (p MFAPolicy) looserThan(env MFAPolicy) string {
	switch {
	case slices.Index(enforceOrder, p.EnforceMFAType) < slices.Index(enforceOrder, env.EnforceMFAType):
		return "enforceMFAType"
	case p.AllowRememberMyDevice && !env.AllowRememberMyDevice:
		return "allowRememberMyDevice"
	case p.AllowRememberMyDevice && p.MFADeviceExpiration > env.MFADeviceExpiration:
		return "mfaDeviceExpiration"
	}
	return ""
}

// strictestMFAPolicy combines two policies into the one that allows the least.
func strictestMFAPolicy(a, b MFAPolicy) MFAPolicy {
	if slices.Index(enforceOrder, b.EnforceMFAType) > slices.Index(enforceOrder, a.EnforceMFAType) {
		a.EnforceMFAType = b.EnforceMFAType
	}
	a.AllowRememberMyDevice = a.AllowRememberMyDevice && b.AllowRememberMyDevice
	a.MFADeviceExpiration = min(a.MFADeviceExpiration, b.MFADeviceExpiration)
	return a
}

// NewMFAPolicies returns the MFA policy documents stored in db.
func NewMFAPolicies(db *store.DB, now func() time.Time) *policy.Documents[MFAPolicy] {
	return &policy.Documents[MFAPolicy]{DB: db, Now: now, Name: MFAPolicyName, Default: DefaultMFAPolicy,
		Validate: (*MFAPolicy).Validate, Strictest: strictestMFAPolicy}
}

// errLooser answers an account policy whose field allows more than the environment's.
func errLooser(field string) error {
	return iam.Invalid("%s cannot be looser than the environment's MFA policy", field)
}

// EffectivePolicy returns the MFA policy that applies in tenantID: the
// environment's, made stricter by the account's override when it has one.
// An override never loosens the environment's policy, even one saved before
// the environment became stricter.
func (s *Service) EffectivePolicy(ctx context.Context, tenantID string) (MFAPolicy, error) {
	env, err := s.Policies.Find(ctx, "")
	if err != nil {
		return DefaultMFAPolicy(), err
	}
	if tenantID == "" {
		return env.Policy, nil
	}
	acc, err := s.Policies.Find(ctx, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return env.Policy, nil
	}
	if err != nil {
		return env.Policy, err
	}
	return strictestMFAPolicy(env.Policy, acc.Policy), nil
}

// CheckAccountPolicy refuses an account policy that allows more than the
// environment's: 400 naming the field.
func (s *Service) CheckAccountPolicy(ctx context.Context, p MFAPolicy) error {
	env, err := s.Policies.Find(ctx, "")
	if err != nil {
		return err
	}
	if f := p.looserThan(env.Policy); f != "" {
		return errLooser(f)
	}
	return nil
}

// Config is the environment's MFA configuration: which strategies users may
// enroll and use, the name authenticator apps show, and how long codes live.
type Config struct {
	AuthenticationApp     AppConfig  `json:"authenticationApp"`
	SMS                   CodeConfig `json:"sms"`
	Email                 CodeConfig `json:"email"`
	WebAuthnPlatform      bool       `json:"webAuthnPlatform"`
	WebAuthnCrossPlatform bool       `json:"webAuthnCrossPlatform"`
}

// AppConfig configures authenticator apps.
type AppConfig struct {
	Active      bool   `json:"active"`
	ServiceName string `json:"serviceName"` // the issuer authenticator apps show
}

// CodeConfig configures codes sent by SMS or email.
type CodeConfig struct {
	Active               bool   `json:"active"`
	TokenLifetimeSeconds int    `json:"tokenLifetimeSeconds"`
	Sender               string `json:"sender,omitempty"` // email only: the From address; "" for the environment's
}

// ConfigName is the settings document of Config.
const ConfigName = "mfa-config"

// MaxCodeLifetime bounds how long an SMS or emailed code lives.
const MaxCodeLifetime = 10 * time.Minute

// DefaultConfig turns on authenticator apps and WebAuthn; SMS and email codes
// are off until the vendor turns them on.
func DefaultConfig() Config {
	return Config{
		AuthenticationApp:     AppConfig{Active: true, ServiceName: "Hatch"},
		SMS:                   CodeConfig{TokenLifetimeSeconds: int(MaxCodeLifetime.Seconds())},
		Email:                 CodeConfig{TokenLifetimeSeconds: int(MaxCodeLifetime.Seconds())},
		WebAuthnPlatform:      true,
		WebAuthnCrossPlatform: true,
	}
}

// Validate returns a 400 naming the first bad field.
func (c *Config) Validate() error {
	maxLife := int(MaxCodeLifetime.Seconds())
	switch {
	case c.AuthenticationApp.ServiceName == "" || len(c.AuthenticationApp.ServiceName) > 100:
		return iam.Invalid("authenticationApp.serviceName must be 1 to 100 characters")
	case c.SMS.TokenLifetimeSeconds < 30 || c.SMS.TokenLifetimeSeconds > maxLife:
		return iam.Invalid("sms.tokenLifetimeSeconds must be between 30 and %d", maxLife)
	case c.Email.TokenLifetimeSeconds < 30 || c.Email.TokenLifetimeSeconds > maxLife:
		return iam.Invalid("email.tokenLifetimeSeconds must be between 30 and %d", maxLife)
	}
	if c.Email.Sender != "" {
		if a, err := mail.ParseAddress(c.Email.Sender); err != nil || a.Address != c.Email.Sender {
			return iam.Invalid("email.sender must be an email address")
		}
	}
	return nil
}

// Active reports whether strategy is turned on.
func (c *Config) Active(strategy string) bool {
	switch strategy {
	case AuthenticatorApp:
		return c.AuthenticationApp.Active
	case WebAuthnPlatform:
		return c.WebAuthnPlatform
	case WebAuthnCrossPlatform:
		return c.WebAuthnCrossPlatform
	case SMS:
		return c.SMS.Active
	case EmailCode:
		return c.Email.Active
	}
	return false
}

// SetActive turns strategy on or off.
func (c *Config) SetActive(strategy string, on bool) {
	switch strategy {
	case AuthenticatorApp:
		c.AuthenticationApp.Active = on
	case WebAuthnPlatform:
		c.WebAuthnPlatform = on
	case WebAuthnCrossPlatform:
		c.WebAuthnCrossPlatform = on
	case SMS:
		c.SMS.Active = on
	case EmailCode:
		c.Email.Active = on
	}
}

// ActiveStrategies returns the strategies turned on, in Strategies order.
func (c *Config) ActiveStrategies() []string {
	out := []string{}
	for _, st := range Strategies {
		if c.Active(st) {
			out = append(out, st)
		}
	}
	return out
}

// Config returns the environment's MFA configuration, its defaults until saved.
func (s *Service) Config(ctx context.Context) (Config, error) {
	c := DefaultConfig()
	if err := s.DB.FindSetting(ctx, "", ConfigName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return c, err
	}
	return c, nil
}

// UpdateConfig applies change to the configuration, validates and saves it.
func (s *Service) UpdateConfig(ctx context.Context, change func(*Config)) (Config, error) {
	var out Config
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		c := DefaultConfig()
		if err := tx.FindSetting(ctx, "", ConfigName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
			return err
		}
		change(&c)
		if err := c.Validate(); err != nil {
			return err
		}
		out = c
		return tx.SaveSetting(ctx, "", ConfigName, c, s.Now())
	})
	return out, err
}

// requireStrategy refuses to enroll or use a strategy that is turned off.
func requireStrategy(c Config, strategy string) error {
	if !c.Active(strategy) {
		return iam.Forbidden("The %s MFA method is not enabled", strategy)
	}
	return nil
}
