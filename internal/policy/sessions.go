package policy

import (
	"context"
	"errors"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// SessionConfig is Frontegg's session configuration, of the environment or of
// one account. A part left out (nil) is inherited: an account's from the
// environment, the environment's from DefaultSessionConfig.
type SessionConfig struct {
	Idle       *SessionTimeout    `json:"sessionIdleTimeoutConfiguration,omitempty"`
	Absolute   *SessionTimeout    `json:"sessionTimeoutConfiguration,omitempty"`
	Concurrent *SessionConcurrent `json:"sessionConcurrentConfiguration,omitempty"`
}

// SessionTimeout is the idle or the absolute timeout, in seconds.
type SessionTimeout struct {
	IsActive bool `json:"isActive"`
	Timeout  int  `json:"timeout"`
}

// SessionConcurrent limits how many live sessions a user may hold; past the
// limit a new login ends the oldest.
type SessionConcurrent struct {
	IsActive    bool `json:"isActive"`
	MaxSessions int  `json:"maxSessions"`
}

// SessionsName is the settings document that holds a SessionConfig.
const SessionsName = "sessions"

// DefaultSessionConfig is every part off: sessions last the core settings'
// sessionAbsoluteTimeout, idle or not, and a user may hold any number.
func DefaultSessionConfig() SessionConfig {
	return SessionConfig{
		Idle:       &SessionTimeout{Timeout: 1800},
		Absolute:   &SessionTimeout{Timeout: 86400},
		Concurrent: &SessionConcurrent{MaxSessions: 10},
	}
}

// over returns c with the parts it leaves out taken from base.
func (c SessionConfig) over(base SessionConfig) SessionConfig {
	if c.Idle == nil {
		c.Idle = base.Idle
	}
	if c.Absolute == nil {
		c.Absolute = base.Absolute
	}
	if c.Concurrent == nil {
		c.Concurrent = base.Concurrent
	}
	return c
}

const maxSessionTimeout = 365 * 86400

// Validate checks the parts c sets and returns a 400 naming the first bad field.
func (c SessionConfig) Validate() error {
	for _, t := range []struct {
		name string
		v    *SessionTimeout
	}{{"sessionIdleTimeoutConfiguration", c.Idle}, {"sessionTimeoutConfiguration", c.Absolute}} {
		if t.v != nil && (t.v.Timeout < 0 || t.v.Timeout > maxSessionTimeout || (t.v.IsActive && t.v.Timeout < 60)) {
			return iam.Invalid("%s.timeout must be between 60 and %d seconds", t.name, maxSessionTimeout)
		}
	}
	if m := c.Concurrent; m != nil && (m.MaxSessions < 0 || m.MaxSessions > 1000 || (m.IsActive && m.MaxSessions < 1)) {
		return iam.Invalid("sessionConcurrentConfiguration.maxSessions must be between 1 and 1000")
	}
	return nil
}

// SessionRules are the session limits in force for one account.
type SessionRules struct {
	Absolute    time.Duration // a session ends this long after its login
	Idle        time.Duration // and this long after its last refresh; 0: never
	MaxSessions int           // live sessions a user may hold; 0: any number
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// CoreSessionRules are the limits of the core settings alone.
func CoreSessionRules(core Core) SessionRules {
	return SessionRules{Absolute: seconds(core.SessionAbsoluteTimeout)}
}

// RefreshTTL is how long a refresh token lives from its issue: the core
// refresh-token expiration, cut to the idle timeout. Since every refresh
// issues a new one, a session idle longer than that cannot be refreshed.
func (r SessionRules) RefreshTTL(core Core) time.Duration {
	d := seconds(core.DefaultRefreshTokenExpiration)
	if r.Idle > 0 && r.Idle < d {
		d = r.Idle
	}
	return d
}

// AccessTTL is the access token lifetime in seconds: the core default, cut to
// the idle timeout, so that an active client refreshes — and so proves it is
// active — within every idle period.
func (r SessionRules) AccessTTL(core Core) int {
	if idle := int(r.Idle / time.Second); idle > 0 && idle < core.DefaultTokenExpiration {
		return idle
	}
	return core.DefaultTokenExpiration
}

// Over reports whether s is past either timeout at now, as the rules stand
// (they may have been tightened since the session began).
func (r SessionRules) Over(s *iam.Session, now time.Time) bool {
	return now.Sub(s.CreatedAt) >= r.Absolute || (r.Idle > 0 && now.Sub(s.LastUsedAt) >= r.Idle)
}

// Sessions reads and saves session configurations, through a cache that
// lives cacheTTL, as Settings does.
type Sessions struct {
	DB  *store.DB
	Now func() time.Time

	cache accountCache[SessionConfig]
}

// Stored returns the document saved for tenantID ("" for the environment),
// with nil parts where nothing was saved.
func (s *Sessions) Stored(ctx context.Context, tenantID string) (SessionConfig, error) {
	var c SessionConfig
	if err := s.DB.FindSetting(ctx, tenantID, SessionsName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return c, err
	}
	return c, nil
}

// Config returns the configuration in force for tenantID ("" for the
// environment's own): every part set, inherited where the account set none.
func (s *Sessions) Config(ctx context.Context, tenantID string) (SessionConfig, error) {
	now := s.Now()
	cached, gen, ok := s.cache.get(tenantID, now, cacheTTL)
	if ok {
		return cached, nil
	}
	c, err := s.Stored(ctx, "")
	if err != nil {
		return c, err
	}
	c = c.over(DefaultSessionConfig())
	if tenantID != "" {
		own, err := s.Stored(ctx, tenantID)
		if err != nil {
			return c, err
		}
		c = own.over(c)
	}
	s.cache.put(tenantID, c, now, cacheTTL, gen)
	return c, nil
}

// Save validates patch and stores it over the parts saved for tenantID ("" for
// the environment), then returns the configuration in force there.
func (s *Sessions) Save(ctx context.Context, tenantID string, patch SessionConfig) (SessionConfig, error) {
	if err := patch.Validate(); err != nil {
		return SessionConfig{}, err
	}
	stored, err := s.Stored(ctx, tenantID)
	if err != nil {
		return stored, err
	}
	if err := s.DB.SaveSetting(ctx, tenantID, SessionsName, patch.over(stored), s.Now()); err != nil {
		return stored, err
	}
	s.cache.drop(tenantID)
	return s.Config(ctx, tenantID)
}

// Rules returns the limits in force for sessions in tenantID: the configured
// parts that are active, the core sessionAbsoluteTimeout where the absolute
// timeout is not.
func (s *Sessions) Rules(ctx context.Context, tenantID string, core Core) (SessionRules, error) {
	c, err := s.Config(ctx, tenantID)
	if err != nil {
		return SessionRules{}, err
	}
	r := CoreSessionRules(core)
	if c.Absolute.IsActive {
		r.Absolute = seconds(c.Absolute.Timeout)
	}
	if c.Idle.IsActive {
		r.Idle = seconds(c.Idle.Timeout)
	}
	if c.Concurrent.IsActive {
		r.MaxSessions = c.Concurrent.MaxSessions
	}
	return r, nil
}
