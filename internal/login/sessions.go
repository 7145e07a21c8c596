package login

import (
	"context"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// RefreshCheck is a Check that also applies each time a session is refreshed
// — an IP rule does; a check of how the user proved who they are does not. A
// refused refresh answers with the check's error; its refresh token is spent.
type RefreshCheck interface {
	CheckRefresh(ctx context.Context, a *Attempt, tenantID string) error
}

// sessionRules returns the session limits in force in tenantID: the core
// settings' alone when the service has no session policy.
func (s *Service) sessionRules(ctx context.Context, tenantID string, core policy.Core) (policy.SessionRules, error) {
	if s.Sessions == nil {
		return policy.CoreSessionRules(core), nil
	}
	return s.Sessions.Rules(ctx, tenantID, core)
}

// refreshRules returns the limits for refreshing cur, the session of a
// refresh token: those of the session's account. A session past its idle or
// absolute timeout as the rules stand now — they may have been tightened since
// the login — is refused with ErrSessionInvalid.
func (s *Service) refreshRules(ctx context.Context, cur *iam.Session, core policy.Core, now time.Time) (policy.SessionRules, error) {
	rules, err := s.sessionRules(ctx, cur.TenantID, core)
	if err != nil {
		return rules, err
	}
	if s.Sessions != nil && rules.Over(cur, now) {
		return rules, ErrSessionInvalid
	}
	return rules, nil
}

// checkRefresh runs the checks that also apply to refreshes, for the user of
// sess at the caller's address, in tenantID (the account the refresh moves to).
func (s *Service) checkRefresh(ctx context.Context, u *iam.User, sess *iam.Session, tenantID string) error {
	a := &Attempt{User: u, Methods: sess.AMR, TenantID: tenantID, IP: api.ClientIP(ctx)}
	for _, c := range s.Checks {
		if rc, ok := c.(RefreshCheck); ok {
			if err := rc.CheckRefresh(ctx, a, tenantID); err != nil {
				return err
			}
		}
	}
	return nil
}

// openSession stores a new session with its first refresh token, ends the
// user's oldest sessions past the concurrent-session limit, and records the
// login, in one transaction. It returns the ids of the sessions it ended.
func (s *Service) openSession(ctx context.Context, a *Attempt, sess *iam.Session, refreshHash string, refreshExp time.Time, maxSessions int) ([]string, error) {
	var ended []string
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSession(ctx, sess, refreshHash, refreshExp); err != nil {
			return err
		}
		var err error
		if ended, err = tx.EndExcessSessions(ctx, sess.UserID, sess.ID, maxSessions, sess.CreatedAt); err != nil {
			return err
		}
		login := audit.Event{TenantID: sess.TenantID, UserID: a.User.ID, Email: a.User.Email, ActorID: a.User.ID,
			ActorType: audit.ActorUser, ActorEmail: a.User.Email, Action: audit.ActionLogin, Resource: "Authentication",
			IP: a.IP, UserAgent: a.UserAgent, Data: map[string]any{"sessionId": sess.ID, "amr": sess.AMR}}
		if err := s.Audit.RecordTx(ctx, tx, login); err != nil {
			return err
		}
		for _, id := range ended {
			e := audit.Event{TenantID: sess.TenantID, UserID: a.User.ID, Email: a.User.Email, ActorID: a.User.ID,
				ActorType: audit.ActorUser, ActorEmail: a.User.Email, Action: audit.ActionSessionEnded, Resource: "Sessions",
				IP: a.IP, Data: map[string]any{"sessionId": id, "reason": "concurrent session limit"}}
			if err := s.Audit.RecordTx(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ended {
		s.Revocations.Add(id)
	}
	return ended, nil
}

// recordFailure records a failed first factor of u, or of no known user.
func (s *Service) recordFailure(ctx context.Context, u *iam.User, ip string) error {
	e := audit.Event{Action: audit.ActionLoginFailed, Resource: "Authentication", Severity: audit.Medium, Outcome: audit.Failure, IP: ip}
	if u != nil {
		e.TenantID, e.UserID, e.Email, e.ActorID, e.ActorType, e.ActorEmail = u.ActiveTenantID, u.ID, u.Email, u.ID, audit.ActorUser, u.Email
	} else {
		e.Data = map[string]any{"reason": "no such user"}
	}
	return s.Audit.Record(ctx, e)
}

// recordSession records the end of sess (a logout, or a replayed refresh token).
func (s *Service) recordSession(ctx context.Context, sess *iam.Session, action, severity, outcome string) error {
	return s.Audit.Record(ctx, audit.Event{TenantID: sess.TenantID, UserID: sess.UserID, ActorID: sess.UserID,
		ActorType: audit.ActorUser, Action: action, Resource: "Sessions", Severity: severity, Outcome: outcome,
		Data: map[string]any{"sessionId": sess.ID}})
}
