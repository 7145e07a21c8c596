package policy

import (
	"context"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// LockoutPolicy is Frontegg's lockout policy: after MaxAttempts failed logins
// the user is locked. LockoutDuration is Hatch's addition (Frontegg locks
// until an administrator unlocks): how long the lock lasts, in seconds, with
// 0 meaning until an administrator unlocks the user.
type LockoutPolicy struct {
	Enabled         bool `json:"enabled"`
	MaxAttempts     int  `json:"maxAttempts"`
	LockoutDuration int  `json:"lockoutDuration"`
}

// LockoutName is the settings document that holds LockoutPolicy.
const LockoutName = "lockout-policy"

// MaxLockoutAttempts is the largest maxAttempts accepted: NIST SP 800-63B
// §5.2.2 allows at most 100 consecutive failed attempts on one account.
const MaxLockoutAttempts = 100

// FailureWindow is how long failed logins are remembered: the count restarts
// once this long has passed without a failure, and a successful login clears
// it. With the default policy a guesser gets at most 100 attempts, then waits
// out the lock, so no more than 100 guesses an hour reach an account.
const FailureWindow = time.Hour

// DefaultLockout is on out of the box, unlike Keycloak's: 100 failures within
// FailureWindow lock the user for an hour.
func DefaultLockout() LockoutPolicy {
	return LockoutPolicy{Enabled: true, MaxAttempts: MaxLockoutAttempts, LockoutDuration: 3600}
}

// Validate returns a 400 naming the first bad field.
func (p *LockoutPolicy) Validate() error {
	switch {
	case p.MaxAttempts < 1 || p.MaxAttempts > MaxLockoutAttempts:
		return iam.Invalid("maxAttempts must be between 1 and %d", MaxLockoutAttempts)
	case p.LockoutDuration < 0 || p.LockoutDuration > 365*86400:
		return iam.Invalid("lockoutDuration must be between 0 and 31536000 seconds")
	}
	return nil
}

// strictestLockout is on when either is, locks after the fewer attempts, and
// for longer (0, until unlocked, is longest).
func strictestLockout(a, b LockoutPolicy) LockoutPolicy {
	switch {
	case !a.Enabled:
		return b
	case !b.Enabled:
		return a
	}
	out := a
	out.MaxAttempts = min(a.MaxAttempts, b.MaxAttempts)
	if a.LockoutDuration == 0 || b.LockoutDuration == 0 {
		out.LockoutDuration = 0
	} else {
		out.LockoutDuration = max(a.LockoutDuration, b.LockoutDuration)
	}
	return out
}

// Lockout counts failed logins in the database (shared by every node) and
// locks users under the strictest lockout policy of their accounts. It is the
// login service's FailureCounter.
type Lockout struct {
	DB       *store.DB
	Policies *Documents[LockoutPolicy]
	Now      func() time.Time
	// OnLock, when set, runs in the transaction that locks a user who was
	// not locked (not when a lock is extended), for the unlock email: the
	// email exists if and only if the lock committed.
	OnLock func(ctx context.Context, tx *store.Tx, u *iam.User) error
}

// Failed counts a failed first factor of u and locks u once the policy's
// maxAttempts is reached. It always returns nil on success: the login answers
// a locked user exactly as it answers a wrong password.
func (l *Lockout) Failed(ctx context.Context, u *iam.User, ip string) error {
	p, err := l.policyFor(ctx, u.ID)
	if err != nil || !p.Enabled {
		return err
	}
	now := l.Now()
	n, err := l.DB.RecordLoginFailure(ctx, u.ID, now, now.Add(-FailureWindow))
	if err != nil || n < p.MaxAttempts {
		return err
	}
	var until *time.Time
	if p.LockoutDuration > 0 {
		t := now.Add(time.Duration(p.LockoutDuration) * time.Second)
		until = &t
	}
	return l.DB.InTx(ctx, func(tx *store.Tx) error {
		newly, err := tx.LockUser(ctx, u.ID, until, now)
		if err != nil || !newly || l.OnLock == nil {
			return err
		}
		return l.OnLock(ctx, tx, u)
	})
}

// Succeeded forgets u's failed logins.
func (l *Lockout) Succeeded(ctx context.Context, u *iam.User) error {
	return l.DB.ClearLoginFailures(ctx, u.ID)
}

func (l *Lockout) policyFor(ctx context.Context, userID string) (LockoutPolicy, error) {
	ids, err := memberTenantIDs(ctx, l.DB, userID)
	if err != nil {
		return LockoutPolicy{}, err
	}
	return l.Policies.ForTenants(ctx, ids)
}

// memberTenantIDs returns the accounts the user is an enabled member of.
func memberTenantIDs(ctx context.Context, db *store.DB, userID string) ([]string, error) {
	ms, err := db.FindMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		if !m.Disabled {
			ids = append(ids, m.TenantID)
		}
	}
	return ids, nil
}
