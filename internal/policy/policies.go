package policy

import (
	"context"
	"time"

	"github.com/hatchid/hatch/internal/store"
)

// Policies are the security policy documents, built once and shared by the
// login path, the password checks and the routes that edit them.
type Policies struct {
	Lockout          *Documents[LockoutPolicy]
	PasswordConfig   *Documents[PasswordConfig]
	PasswordHistory  *Documents[PasswordHistory]
	PasswordRotation *Documents[PasswordRotation]
}

// NewPolicies returns the policy documents stored in db. Accounts may always
// override the lockout policy; they may override the password policies only
// when the core settings allowOverridePasswordComplexity,
// allowOverrideEnforcePasswordHistory and allowOverridePasswordExpiration allow it.
func NewPolicies(db *store.DB, settings *Settings, now func() time.Time) *Policies {
	coreAllows := func(flag func(Core) bool) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			c, err := settings.Core(ctx)
			return flag(c), err
		}
	}
	return &Policies{
		Lockout: &Documents[LockoutPolicy]{DB: db, Now: now, Name: LockoutName, Default: DefaultLockout,
			Validate: (*LockoutPolicy).Validate, Strictest: strictestLockout},
		PasswordConfig: &Documents[PasswordConfig]{DB: db, Now: now, Name: PasswordConfigName, Default: DefaultPasswordConfig,
			Validate: (*PasswordConfig).Validate, Strictest: strictestPasswordConfig,
			Overridable: coreAllows(func(c Core) bool { return c.AllowOverridePasswordComplexity })},
		PasswordHistory: &Documents[PasswordHistory]{DB: db, Now: now, Name: PasswordHistoryName, Default: DefaultPasswordHistory,
			Validate: (*PasswordHistory).Validate, Strictest: strictestPasswordHistory,
			Overridable: coreAllows(func(c Core) bool { return c.AllowOverrideEnforcePasswordHistory })},
		PasswordRotation: &Documents[PasswordRotation]{DB: db, Now: now, Name: PasswordRotationName, Default: DefaultPasswordRotation,
			Validate: (*PasswordRotation).Validate, Strictest: strictestPasswordRotation,
			Overridable: coreAllows(func(c Core) bool { return c.AllowOverridePasswordExpiration })},
	}
}
