package policy

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// PasswordConfig is Frontegg's password complexity policy, whose fields are
// those of the OWASP password strength test. A password must be between
// MinLength and MaxLength characters (counted as Unicode code points; a long
// password is refused, never truncated); must not repeat a character three
// times in a row when RequiredTests.CheckThreeRepeatedChars is on; must pass at
// least MinOptionalTestsToPass of the optional tests that are on (all of them
// when fewer are on), unless passphrases are allowed and it has at least
// MinPhraseLength characters; and must not be a common breached password when
// BlockPwnedPasswords is on.
type PasswordConfig struct {
	AllowPassphrases       bool          `json:"allowPassphrases"`
	MaxLength              int           `json:"maxLength"`
	MinLength              int           `json:"minLength"`
	MinPhraseLength        int           `json:"minPhraseLength"`
	MinOptionalTestsToPass int           `json:"minOptionalTestsToPass"`
	BlockPwnedPasswords    bool          `json:"blockPwnedPasswords"`
	OptionalTests          OptionalTests `json:"optionalTests"`
	RequiredTests          RequiredTests `json:"requiredTests"`
}

// OptionalTests are the character-class tests a password may be asked to pass.
type OptionalTests struct {
	RequireLowercase    bool `json:"requireLowercase"`
	RequireUppercase    bool `json:"requireUppercase"`
	RequireNumbers      bool `json:"requireNumbers"`
	RequireSpecialChars bool `json:"requireSpecialChars"`
}

// RequiredTests are the tests every password must pass when on.
type RequiredTests struct {
	CheckThreeRepeatedChars bool `json:"checkThreeRepeatedChars"`
}

// PasswordConfigName is the settings document that holds PasswordConfig.
const PasswordConfigName = "password-config"

// Length bounds of the password policy. NIST SP 800-63B §5.1.1.2: at least 8
// characters, and at least 64 must be allowed.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 1024
)

// DefaultPasswordConfig follows NIST SP 800-63B: at least 8 characters, up to
// 128, no composition rules, passphrases welcome, breached passwords refused.
func DefaultPasswordConfig() PasswordConfig {
	return PasswordConfig{AllowPassphrases: true, MinLength: MinPasswordLength, MaxLength: 128, MinPhraseLength: 20,
		BlockPwnedPasswords: true}
}

// Validate returns a 400 naming the first bad field.
func (c *PasswordConfig) Validate() error {
	switch {
	case c.MinLength < MinPasswordLength || c.MinLength > 128:
		return iam.Invalid("minLength must be between %d and 128", MinPasswordLength)
	case c.MaxLength < c.MinLength || c.MaxLength > MaxPasswordLength:
		return iam.Invalid("maxLength must be between minLength (%d) and %d", c.MinLength, MaxPasswordLength)
	case c.MinPhraseLength < c.MinLength || c.MinPhraseLength > c.MaxLength:
		return iam.Invalid("minPhraseLength must be between minLength (%d) and maxLength (%d)", c.MinLength, c.MaxLength)
	case c.MinOptionalTestsToPass < 0 || c.MinOptionalTestsToPass > 4:
		return iam.Invalid("minOptionalTestsToPass must be between 0 and 4")
	}
	return nil
}

// strictestPasswordConfig asks for the longer minimum, the more tests and the
// breach check if either does; passphrases are allowed only if both allow them.
func strictestPasswordConfig(a, b PasswordConfig) PasswordConfig {
	out := PasswordConfig{
		AllowPassphrases:       a.AllowPassphrases && b.AllowPassphrases,
		MinLength:              max(a.MinLength, b.MinLength),
		MinPhraseLength:        max(a.MinPhraseLength, b.MinPhraseLength),
		MinOptionalTestsToPass: max(a.MinOptionalTestsToPass, b.MinOptionalTestsToPass),
		BlockPwnedPasswords:    a.BlockPwnedPasswords || b.BlockPwnedPasswords,
		OptionalTests: OptionalTests{
			RequireLowercase:    a.OptionalTests.RequireLowercase || b.OptionalTests.RequireLowercase,
			RequireUppercase:    a.OptionalTests.RequireUppercase || b.OptionalTests.RequireUppercase,
			RequireNumbers:      a.OptionalTests.RequireNumbers || b.OptionalTests.RequireNumbers,
			RequireSpecialChars: a.OptionalTests.RequireSpecialChars || b.OptionalTests.RequireSpecialChars,
		},
		RequiredTests: RequiredTests{
			CheckThreeRepeatedChars: a.RequiredTests.CheckThreeRepeatedChars || b.RequiredTests.CheckThreeRepeatedChars,
		},
	}
	// A shorter maximum is stricter, but never below the minimum both demand.
	out.MaxLength = max(min(a.MaxLength, b.MaxLength), out.MinLength)
	out.MinPhraseLength = min(out.MinPhraseLength, out.MaxLength)
	return out
}

// check applies the length and complexity rules (not the breach list) and
// returns a 400 saying what is wrong.
func (c *PasswordConfig) check(field, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < c.MinLength:
		return iam.Invalid("%s must be at least %d characters long", field, c.MinLength)
	case n > c.MaxLength:
		return iam.Invalid("%s must be at most %d characters long", field, c.MaxLength)
	case c.RequiredTests.CheckThreeRepeatedChars && repeatsThrice(password):
		return iam.Invalid("%s may not contain a character repeated three or more times in a row", field)
	}
	if c.AllowPassphrases && n >= c.MinPhraseLength {
		return nil // a passphrase is strong by its length
	}
	var on, failed []string
	for _, t := range []struct {
		on   bool
		name string
		ok   func(rune) bool
	}{
		{c.OptionalTests.RequireLowercase, "a lowercase letter", unicode.IsLower},
		{c.OptionalTests.RequireUppercase, "an uppercase letter", unicode.IsUpper},
		{c.OptionalTests.RequireNumbers, "a number", unicode.IsDigit},
		{c.OptionalTests.RequireSpecialChars, "a special character", isSpecial},
	} {
		if !t.on {
			continue
		}
		on = append(on, t.name)
		if !strings.ContainsFunc(password, t.ok) {
			failed = append(failed, t.name)
		}
	}
	need := len(on)
	if c.MinOptionalTestsToPass < need {
		need = c.MinOptionalTestsToPass
	}
	if len(on)-len(failed) < need {
		if need == len(on) {
			return iam.Invalid("%s must contain %s", field, strings.Join(on, ", "))
		}
		return iam.Invalid("%s must contain at least %d of: %s", field, need, strings.Join(on, ", "))
	}
	return nil
}

func isSpecial(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func repeatsThrice(s string) bool {
	var prev rune
	run := 0
	for _, r := range s {
		if run > 0 && r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run >= 3 {
			return true
		}
	}
	return false
}

// PasswordHistory is Frontegg's password history policy: a new password may
// not be any of the user's last HistorySize passwords, the current one included.
type PasswordHistory struct {
	Enabled     bool `json:"enabled"`
	HistorySize int  `json:"historySize"`
}

// PasswordHistoryName is the settings document that holds PasswordHistory.
const PasswordHistoryName = "password-history-policy"

// DefaultPasswordHistory is off (NIST SP 800-63B asks for no periodic
// changes, which is what history rules exist to back), remembering 5 when on.
func DefaultPasswordHistory() PasswordHistory { return PasswordHistory{HistorySize: 5} }

// Validate returns a 400 naming the first bad field.
func (h *PasswordHistory) Validate() error {
	if h.HistorySize < 1 || h.HistorySize > store.PasswordHistoryLimit+1 {
		return iam.Invalid("historySize must be between 1 and %d", store.PasswordHistoryLimit+1)
	}
	return nil
}

func strictestPasswordHistory(a, b PasswordHistory) PasswordHistory {
	switch {
	case !a.Enabled:
		return b
	case !b.Enabled:
		return a
	}
	return PasswordHistory{Enabled: true, HistorySize: max(a.HistorySize, b.HistorySize)}
}

// PasswordRotation is Frontegg's password rotation (expiry) policy: when
// active, a password expires RotationPeriod seconds after it was set, and
// logins report how long it has left from NotificationPeriod seconds before.
type PasswordRotation struct {
	IsActive           bool `json:"isActive"`
	RotationPeriod     int  `json:"rotationPeriod"`
	NotificationPeriod int  `json:"notificationPeriod"`
}

// PasswordRotationName is the settings document that holds PasswordRotation.
const PasswordRotationName = "password-rotation"

// DefaultPasswordRotation is off (NIST SP 800-63B §5.1.1.2: no periodic
// changes); when turned on, 90 days with 7 days' notice.
func DefaultPasswordRotation() PasswordRotation {
	return PasswordRotation{RotationPeriod: 90 * 86400, NotificationPeriod: 7 * 86400}
}

// Validate returns a 400 naming the first bad field.
func (r *PasswordRotation) Validate() error {
	switch {
	case r.RotationPeriod < 1 || r.RotationPeriod > 10*365*86400:
		return iam.Invalid("rotationPeriod must be between 1 and 315360000 seconds")
	case r.NotificationPeriod < 0 || r.NotificationPeriod > r.RotationPeriod:
		return iam.Invalid("notificationPeriod must be between 0 and rotationPeriod (%d)", r.RotationPeriod)
	}
	return nil
}

func strictestPasswordRotation(a, b PasswordRotation) PasswordRotation {
	switch {
	case !a.IsActive:
		return b
	case !b.IsActive:
		return a
	}
	return PasswordRotation{IsActive: true, RotationPeriod: min(a.RotationPeriod, b.RotationPeriod),
		NotificationPeriod: max(a.NotificationPeriod, b.NotificationPeriod)}
}

// Passwords applies the password policies: complexity, breached passwords and
// history when a password is set, and rotation when a user logs in.
type Passwords struct {
	DB       *store.DB
	Hasher   *secure.Hasher
	Policies *Policies
	Breached *Breached
	Now      func() time.Time
	// ResetCodeKind and ResetTTL make the one-time token an expired password
	// gets at login: the same kind of code the password-reset link carries, so
	// the reset-verify route accepts it.
	ResetCodeKind string
	ResetTTL      time.Duration
}

// errBreachedPassword refuses a password found in the breached-password list.
func errBreachedPassword(field string) error {
	return iam.Invalid("%s is too common: it appears in lists of breached passwords", field)
}

// Check returns nil when password may become the password of userID under the
// strictest password policies of tenantIDs, and otherwise a 400 *iam.Error
// saying what is wrong with field (the request field that carried it). userID is "" for a user not created yet (sign-up);
// tenantIDs nil means userID's accounts (the environment's policies for a user
// in none, or for an unknown user). The history policy needs a userID.
func (p *Passwords) Check(ctx context.Context, field string, tenantIDs []string, userID, password string) error {
	tenantIDs, err := p.tenantsOf(ctx, tenantIDs, userID)
	if err != nil {
		return err
	}
	cfg, err := p.Policies.PasswordConfig.ForTenants(ctx, tenantIDs)
	if err != nil {
		return err
	}
	if err := cfg.check(field, password); err != nil {
		return err
	}
	if cfg.BlockPwnedPasswords && p.Breached.Contains(password) {
		return errBreachedPassword(field)
	}
	if userID == "" {
		return nil
	}
	hist, err := p.Policies.PasswordHistory.ForTenants(ctx, tenantIDs)
	if err != nil || !hist.Enabled {
		return err
	}
	return p.checkHistory(ctx, field, userID, password, hist.HistorySize)
}

// checkHistory refuses password if it is the user's current password or one
// of the historySize-1 before it. Every comparison costs a hash verification.
func (p *Passwords) checkHistory(ctx context.Context, field, userID, password string, historySize int) error {
	u, err := p.DB.FindUser(ctx, userID)
	if err != nil {
		return fmt.Errorf("password history: %w", err)
	}
	var hashes []string
	if u.PasswordHash != "" {
		hashes = append(hashes, u.PasswordHash)
	}
	older, err := p.DB.FindPasswordHistory(ctx, userID, historySize-len(hashes))
	if err != nil {
		return err
	}
	for _, h := range append(hashes, older...) {
		if ok, _, _ := p.Hasher.Verify(password, h); ok {
			return iam.Invalid("%s was used recently: it may not be one of your last %d passwords", field, historySize)
		}
	}
	return nil
}

// Config returns the password complexity policy Check applies, with the same
// tenantIDs and userID rules, for GET users/v1/passwords/config.
func (p *Passwords) Config(ctx context.Context, tenantIDs []string, userID string) (PasswordConfig, error) {
	tenantIDs, err := p.tenantsOf(ctx, tenantIDs, userID)
	if err != nil {
		return PasswordConfig{}, err
	}
	return p.Policies.PasswordConfig.ForTenants(ctx, tenantIDs)
}

// tenantsOf returns tenantIDs, or userID's accounts when tenantIDs is nil.
func (p *Passwords) tenantsOf(ctx context.Context, tenantIDs []string, userID string) ([]string, error) {
	if tenantIDs != nil || userID == "" {
		return tenantIDs, nil
	}
	return memberTenantIDs(ctx, p.DB, userID)
}

// PasswordExpiry reports how long u's password has left under the strictest
// rotation policy of tenantIDs: rotates is false when no rotation policy is
// active (or u has no password); left <= 0 means it has expired. A password
// never changed counts from the user's creation.
func (p *Passwords) PasswordExpiry(ctx context.Context, u *iam.User, tenantIDs []string) (left, notice time.Duration, rotates bool, err error) {
	if u.PasswordHash == "" {
		return 0, 0, false, nil
	}
	r, err := p.Policies.PasswordRotation.ForTenants(ctx, tenantIDs)
	if err != nil || !r.IsActive {
		return 0, 0, false, err
	}
	set := u.CreatedAt
	if u.PasswordChangedAt != nil {
		set = *u.PasswordChangedAt
	}
	expires := set.Add(time.Duration(r.RotationPeriod) * time.Second)
	return expires.Sub(p.Now()), time.Duration(r.NotificationPeriod) * time.Second, true, nil
}

// PasswordResetToken issues a one-time token with which u can set a new
// password through the reset-verify route; earlier unused reset links die.
func (p *Passwords) PasswordResetToken(ctx context.Context, u *iam.User) (string, error) {
	tok := secure.RandomToken(32)
	now := p.Now()
	err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateCode(ctx, &store.Code{Hash: secure.HashToken(tok), Kind: p.ResetCodeKind, UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(p.ResetTTL)}, true)
	})
	if err != nil {
		return "", fmt.Errorf("password reset token: %w", err)
	}
	return tok, nil
}
