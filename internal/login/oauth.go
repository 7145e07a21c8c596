package login

import (
	"context"
	"errors"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// The hosted login (package oauth) signs a browser in once, with the refresh
// cookie, and then hands applications codes for that session. These two
// methods are what it needs from the login spine.

// Current returns the live session of a refresh token, and its user, without
// spending the token: whether the browser holding the refresh cookie is
// signed in. A token that is spent, expired or unknown, a session that is
// over by its account's rules, and a locked user all answer ErrSessionInvalid.
func (s *Service) Current(ctx context.Context, refresh string) (*iam.Session, *iam.User, error) {
	if refresh == "" {
		return nil, nil, ErrSessionInvalid
	}
	now := s.Now()
	sess, err := s.DB.FindLiveSessionByRefreshToken(ctx, hashOf(refresh), now)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, nil, err
	}
	rules, err := s.sessionRules(ctx, sess.TenantID, core)
	if err != nil {
		return nil, nil, err
	}
	if rules.Over(sess, now) {
		return nil, nil, ErrSessionInvalid
	}
	u, err := s.DB.FindUser(ctx, sess.UserID)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && u.LockedAt(now)) {
		return nil, nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, u, nil
}

// Branch issues tokens for the live session sessionID with a refresh token
// of its own, issued to client, beside the tokens the session already has:
// an application redeeming an authorization code gets its own refresh token,
// while the browser keeps the refresh cookie of the same session. The
// session's rules apply as at a refresh (timeouts, IP rules, membership of
// its account). A session that cannot go on answers ErrSessionInvalid.
func (s *Service) Branch(ctx context.Context, sessionID string, client store.RefreshClient) (*Result, error) {
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	sess, err := s.DB.FindSession(ctx, sessionID)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && (sess.RevokedAt != nil || !sess.ExpiresAt.After(now))) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	rules, err := s.sessionRules(ctx, sess.TenantID, core)
	if err != nil {
		return nil, err
	}
	if rules.Over(sess, now) {
		return nil, ErrSessionInvalid
	}
	core.DefaultTokenExpiration = rules.AccessTTL(core)
	u, err := s.DB.FindUser(ctx, sess.UserID)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && u.LockedAt(now)) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	tenantIDs, picked, err := s.pickTenant(ctx, u, sess.TenantID)
	if err != nil || picked != sess.TenantID {
		return nil, ErrSessionInvalid
	}
	if err := s.checkRefresh(ctx, u, sess, picked); err != nil {
		return nil, err
	}
	refresh, refreshHash := token.NewRefreshToken()
	refreshExp := minTime(now.Add(rules.RefreshTTL(core)), sess.ExpiresAt)
	if err := s.DB.AddRefreshToken(ctx, sess.ID, refreshHash, client, refreshExp, now); errors.Is(err, iam.ErrNotFound) {
		return nil, ErrSessionInvalid
	} else if err != nil {
		return nil, err
	}
	sess.LastUsedAt = now
	return s.issue(ctx, u, sess, nil, tenantIDs, refresh, refreshExp, core)
}
