package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Attempt is a first factor that has succeeded.
type Attempt struct {
	User      *iam.User
	Methods   []string // amr values proven so far: "pwd", "otp", "sms", "hwk", "sso", "mfa"…
	TenantID  string   // the account asked for, if any
	IP        string
	UserAgent string
	// SessionID presets the id of the session Open starts ("" for a random
	// one), for callers that record something about the session first.
	SessionID string
	// MaxSessionAge, when set, shortens the session's absolute lifetime.
	MaxSessionAge time.Duration
	// Device is the browser's remember-this-device token (Cookies.ReadDevice),
	// with which a second factor may let the login skip MFA.
	Device string
}

// Check is a rule every login must pass after its first factor, such as an
// IP allow list. It returns an *iam.Error the caller may see.
type Check interface {
	CheckLogin(ctx context.Context, a *Attempt, tenantID string) error
}

// SecondFactor decides whether a login needs more than its first factor. It
// returns nil to let the login finish, or the MFA response to send instead.
type SecondFactor interface {
	Challenge(ctx context.Context, a *Attempt, tenantID string) (*Response, error)
}

// ClaimsHook adds to the claims of every access token issued for a session,
// at login and at each refresh (for example the act claim of an
// impersonation). It returns an error only when the token must not be issued.
type ClaimsHook interface {
	AddClaims(ctx context.Context, sess *iam.Session, c *token.Claims) error
}

// FailureCounter learns of failed and successful first factors, to lock out
// guessing (security policies). Failed may return the error to answer with
// instead of the usual one.
type FailureCounter interface {
	Failed(ctx context.Context, u *iam.User, ip string) error
	Succeeded(ctx context.Context, u *iam.User) error
}

// PasswordRotation tells password logins how long their password has left
// (the password rotation policy).
type PasswordRotation interface {
	// PasswordExpiry reports how long u's password has left under the policies
	// of tenantIDs and the notice period before expiry; rotates is false when
	// no rotation applies; left <= 0 means the password has expired.
	PasswordExpiry(ctx context.Context, u *iam.User, tenantIDs []string) (left, notice time.Duration, rotates bool, err error)
	// PasswordResetToken issues a one-time token with which u sets a new password.
	PasswordResetToken(ctx context.Context, u *iam.User) (string, error)
}

// Service completes logins and refreshes sessions.
type Service struct {
	DB           *store.DB
	Issuer       *token.Issuer
	Settings     *policy.Settings
	Revocations  *token.Revocations
	Now          func() time.Time
	Checks       []Check
	SecondFactor SecondFactor     // nil: no second factor
	Failures     FailureCounter   // nil: failures are not counted
	Passwords    PasswordRotation // nil: passwords do not expire

	Sessions    *policy.Sessions // session timeouts and limits; nil: the core settings' alone
	Audit       *audit.Recorder  // the audit log; nil: nothing is recorded
	ClaimsHooks []ClaimsHook     // add claims to every token issued (e.g. act for impersonation)
}

// Fail records a failed first factor for u (nil when no user matched) and
// returns the error to answer with: always ErrLoginFailed unless the
// failure counter has a reason of its own.
func (s *Service) Fail(ctx context.Context, u *iam.User, ip string) error {
	if err := s.recordFailure(ctx, u, ip); err != nil {
		return err
	}
	if s.Failures != nil && u != nil {
		if err := s.Failures.Failed(ctx, u, ip); err != nil {
			return err
		}
	}
	return ErrLoginFailed
}

// ErrLoginFailed is the one message for every failed login, whatever the reason,
// so responses do not reveal which accounts exist.
var ErrLoginFailed = &iam.Error{Kind: iam.KindUnauthorized, Message: "Incorrect email or password"}

// ErrSessionInvalid answers every refresh that cannot proceed.
var ErrSessionInvalid = &iam.Error{Kind: iam.KindUnauthorized, Message: "Session is not valid"}

// Complete finishes a login whose first factor succeeded: it picks the
// account, runs the checks and the second-factor decision, then opens a
// session and issues tokens.
func (s *Service) Complete(ctx context.Context, a *Attempt) (*Result, error) {
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	u := a.User
	now := s.Now()
	if u.LockedAt(now) {
		// Counted as a failure, so that a locked account answers even the
		// right password as it answers a wrong one, in content and in the
		// work done (a faster answer would tell the password was right).
		return nil, s.Fail(ctx, u, a.IP)
	}
	if u.TemporaryExpires != nil && !u.TemporaryExpires.After(now) {
		return nil, ErrLoginFailed
	}
	if !u.Verified && !core.AllowNotVerifiedUsersLogin {
		return nil, &iam.Error{Kind: iam.KindUnauthorized, Message: "User is not verified", Code: "ER-01107"}
	}
	tenantIDs, tenantID, err := s.pickTenant(ctx, u, a.TenantID)
	if err != nil {
		return nil, err
	}
	if s.Failures != nil {
		if err := s.Failures.Succeeded(ctx, u); err != nil {
			return nil, err
		}
	}
	for _, c := range s.Checks {
		if err := c.CheckLogin(ctx, a, tenantID); err != nil {
			return nil, err
		}
	}
	if res, err := s.expiredPassword(ctx, a, tenantIDs); res != nil || err != nil {
		return res, err
	}
	if s.SecondFactor != nil {
		resp, err := s.SecondFactor.Challenge(ctx, a, tenantID)
		if err != nil || resp != nil {
			return &Result{Response: resp}, err
		}
	}
	return s.Open(ctx, a, tenantIDs, tenantID, core)
}

// Open starts a session for a fully authenticated attempt and issues its tokens.
// Second-factor packages call it once the last factor is proven.
func (s *Service) Open(ctx context.Context, a *Attempt, tenantIDs []string, tenantID string, core policy.Core) (*Result, error) {
	now := s.Now()
	rules, err := s.sessionRules(ctx, tenantID, core)
	if err != nil {
		return nil, err
	}
	core.DefaultTokenExpiration = rules.AccessTTL(core)
	id := a.SessionID
	if id == "" {
		id = uuid.NewString()
	}
	expires := now.Add(rules.Absolute)
	if a.MaxSessionAge > 0 {
		expires = minTime(expires, now.Add(a.MaxSessionAge))
	}
	sess := &iam.Session{
		ID:         id,
		UserID:     a.User.ID,
		TenantID:   tenantID,
		IP:         a.IP,
		UserAgent:  a.UserAgent,
		AMR:        a.Methods,
		ACR:        acrFor(a.Methods),
		AuthTime:   now,
		CreatedAt:  now,
		LastUsedAt: now,
		ExpiresAt:  expires,
	}
	refresh, refreshHash := token.NewRefreshToken()
	refreshExp := minTime(now.Add(rules.RefreshTTL(core)), sess.ExpiresAt)
	if _, err := s.openSession(ctx, a, sess, refreshHash, refreshExp, rules.MaxSessions); err != nil {
		return nil, err
	}
	if err := s.DB.RecordLogin(ctx, a.User.ID, now); err != nil {
		return nil, err
	}
	res, err := s.issue(ctx, a.User, sess, nil, tenantIDs, refresh, refreshExp, core)
	if err != nil {
		return nil, err
	}
	if err := s.passwordNotice(ctx, a, tenantIDs, res.Response); err != nil {
		return nil, err
	}
	return res, nil
}

// Resume opens the session of a login that SecondFactor challenged, once its
// second factor is proven (a.Methods include it). The user is read again, so
// a user locked or removed from its accounts meanwhile is refused.
func (s *Service) Resume(ctx context.Context, a *Attempt, tenantID string) (*Result, error) {
	u, err := s.DB.FindUser(ctx, a.User.ID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrLoginFailed
	}
	if err != nil {
		return nil, err
	}
	if u.LockedAt(s.Now()) {
		return nil, ErrLoginFailed
	}
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	tenantIDs, tenantID, err := s.pickTenant(ctx, u, tenantID)
	if err != nil {
		return nil, err
	}
	a.User = u
	return s.Open(ctx, a, tenantIDs, tenantID, core)
}

// StepUp raises the live session sessionID of userID with second-factor
// methods just proven (step-up): its amr gains them, its acr becomes
// multi-factor and its auth_time now. With no methods the session's
// authentication stays as it is. Either way it issues the session's tokens
// with a new refresh token. A session that is over answers ErrSessionInvalid.
func (s *Service) StepUp(ctx context.Context, userID, sessionID string, methods []string) (*Result, error) {
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	sess, err := s.DB.FindSession(ctx, sessionID)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && (sess.UserID != userID || sess.RevokedAt != nil || !sess.ExpiresAt.After(now))) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	if len(methods) > 0 {
		for _, m := range methods {
			if !slices.Contains(sess.AMR, m) {
				sess.AMR = append(sess.AMR, m)
			}
		}
		sess.ACR, sess.AuthTime = acrFor(sess.AMR), now
	}
	refresh, refreshHash := token.NewRefreshToken()
	refreshExp := minTime(now.Add(time.Duration(core.DefaultRefreshTokenExpiration)*time.Second), sess.ExpiresAt)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.StepUpSession(ctx, sess, refreshHash, refreshExp, now) })
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	u, err := s.DB.FindUser(ctx, userID)
	if err != nil {
		return nil, ErrSessionInvalid
	}
	tenantIDs, tenantID, err := s.pickTenant(ctx, u, sess.TenantID)
	if err != nil || tenantID != sess.TenantID {
		return nil, ErrSessionInvalid
	}
	return s.issue(ctx, u, sess, nil, tenantIDs, refresh, refreshExp, core)
}

// expiredPassword returns, for a password login whose password has expired
// under the rotation policy, the answer Frontegg gives: no tokens and a
// one-time resetPasswordToken for the reset-verify route. It returns nil
// otherwise.
func (s *Service) expiredPassword(ctx context.Context, a *Attempt, tenantIDs []string) (*Result, error) {
	if s.Passwords == nil || !slices.Contains(a.Methods, PasswordMethod) {
		return nil, nil
	}
	left, _, rotates, err := s.Passwords.PasswordExpiry(ctx, a.User, tenantIDs)
	if err != nil || !rotates || left > 0 {
		return nil, err
	}
	tok, err := s.Passwords.PasswordResetToken(ctx, a.User)
	if err != nil {
		return nil, err
	}
	return &Result{Response: &Response{ResetPasswordToken: tok, UserID: a.User.ID, UserEmail: a.User.Email}, User: a.User}, nil
}

// passwordNotice sets passwordExpiresIn and notificationPeriod (seconds) on a
// password login's response when a rotation policy applies, so the client
// can warn once the expiry is nearer than the notification period.
func (s *Service) passwordNotice(ctx context.Context, a *Attempt, tenantIDs []string, resp *Response) error {
	if s.Passwords == nil || !slices.Contains(a.Methods, PasswordMethod) {
		return nil
	}
	left, notice, rotates, err := s.Passwords.PasswordExpiry(ctx, a.User, tenantIDs)
	if err != nil || !rotates {
		return err
	}
	expiresIn, period := max(0, int(left.Seconds())), int(notice.Seconds())
	resp.PasswordExpiresIn, resp.NotificationPeriod = &expiresIn, &period
	return nil
}

// MFAMethod is the amr value every second factor adds.
const MFAMethod = "mfa"

// PasswordMethod is the amr value of a password first factor.
const PasswordMethod = "pwd"

// MultiFactorACR is the acr of a session in which a second factor was proven:
// the OpenID PAPE multi-factor policy, which step-up validation requires.
const MultiFactorACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"

// acrFor returns the OpenID PAPE multi-factor policy when a second factor was proven.
func acrFor(methods []string) string {
	if slices.Contains(methods, MFAMethod) {
		return MultiFactorACR
	}
	return ""
}

// pickTenant returns the user's tenant ids and the one to log into: the one
// asked for, else the user's active tenant, else the oldest membership.
// Disabled memberships do not count.
func (s *Service) pickTenant(ctx context.Context, u *iam.User, want string) ([]string, string, error) {
	ms, err := s.DB.FindMemberships(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return pickTenantOf(u, ms, want)
}

// pickTenantOf is pickTenant with the memberships already read.
func pickTenantOf(u *iam.User, ms []iam.Membership, want string) ([]string, string, error) {
	var ids []string
	for _, m := range ms {
		if !m.Disabled {
			ids = append(ids, m.TenantID)
		}
	}
	if len(ids) == 0 {
		return nil, "", ErrLoginFailed
	}
	switch {
	case want != "" && slices.Contains(ids, want):
		return ids, want, nil
	case want != "":
		return nil, "", iam.Forbidden("User is not a member of the requested account")
	case slices.Contains(ids, u.ActiveTenantID):
		return ids, u.ActiveTenantID, nil
	}
	return ids, ids[0], nil
}

// Refresh rotates a refresh token of the environment's own logins and
// issues new tokens for its session, moving the session to tenantID when it
// is set and the user belongs to it. A token issued to an OAuth client
// answers ErrSessionInvalid: it is refreshed through RefreshFor.
func (s *Service) Refresh(ctx context.Context, refresh, tenantID string) (*Result, error) {
	return s.RefreshFor(ctx, "", refresh, tenantID)
}

// RefreshFor is Refresh for a token issued to the OAuth client clientID
// (Branch); a token of another client answers ErrSessionInvalid.
func (s *Service) RefreshFor(ctx context.Context, clientID, refresh, tenantID string) (*Result, error) {
	if refresh == "" {
		return nil, ErrSessionInvalid
	}
	core, err := s.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	// The session is read first: its account's rules set the new token's
	// lifetime, and the profile versions read with it serve the user's access below.
	cur, err := s.DB.FindRefreshSession(ctx, hashOf(refresh))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	rules, err := s.refreshRules(ctx, cur.Session, core, now)
	if err != nil {
		return nil, err
	}
	core.DefaultTokenExpiration = rules.AccessTTL(core)
	next, nextHash := token.NewRefreshToken()
	nextExp := now.Add(rules.RefreshTTL(core))
	sess, err := s.DB.RotateRefreshToken(ctx, hashOf(refresh), nextHash, clientID, now, nextExp)
	switch {
	case errors.Is(err, store.ErrRefreshReused):
		s.Revocations.Add(cur.ID)
		if err := s.recordSession(ctx, cur.Session, audit.ActionRefreshReused, audit.High, audit.Failure); err != nil {
			return nil, err
		}
		return nil, ErrSessionInvalid
	case errors.Is(err, iam.ErrNotFound):
		return nil, ErrSessionInvalid
	case err != nil:
		return nil, fmt.Errorf("rotate refresh token: %w", err)
	}
	nextExp = minTime(nextExp, sess.ExpiresAt)
	acc, err := cur.Access(ctx)
	if err != nil {
		return nil, ErrSessionInvalid
	}
	u, ms := acc.User, acc.Memberships
	if u.LockedAt(now) {
		return nil, ErrSessionInvalid
	}
	want := tenantID
	if want == "" {
		want = sess.TenantID
	}
	tenantIDs, picked, err := pickTenantOf(u, ms, want)
	if err != nil {
		return nil, ErrSessionInvalid
	}
	if err := s.checkRefresh(ctx, u, sess, picked); err != nil {
		return nil, err
	}
	if picked != sess.TenantID {
		if err := s.DB.SetSessionTenant(ctx, sess.ID, picked); err != nil {
			return nil, ErrSessionInvalid
		}
		sess.TenantID = picked
	}
	az, err := acc.Authz(ctx, sess.TenantID)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, u, sess, az, tenantIDs, next, nextExp, core)
}

// Logout ends the session a refresh token belongs to. An unknown token is not an error.
func (s *Service) Logout(ctx context.Context, refresh string) error {
	if refresh == "" {
		return nil
	}
	sess, err := s.DB.FindSessionByRefreshToken(ctx, hashOf(refresh))
	if errors.Is(err, iam.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.DB.RevokeSession(ctx, sess.UserID, sess.ID, s.Now()); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	s.Revocations.Add(sess.ID)
	return s.recordSession(ctx, sess, audit.ActionLogout, audit.Info, audit.Success)
}

// issue signs the access token of a session and builds the login response.
// az is the user's authorization in the session's tenant; nil reads it.
func (s *Service) issue(ctx context.Context, u *iam.User, sess *iam.Session, az *store.Authz, tenantIDs []string, refresh string, refreshExp time.Time, core policy.Core) (*Result, error) {
	if az == nil {
		var err error
		if az, err = s.DB.FindAuthz(ctx, u.ID, sess.TenantID); err != nil {
			return nil, err
		}
	}
	var roles, perms []string
	if core.AddRolesToJWT {
		roles = az.RoleKeys()
	}
	if core.AddPermissionsToJWT {
		perms = az.PermissionKeys()
	}
	claims := token.UserClaims(u, sess, tenantIDs, roles, perms)
	for _, h := range s.ClaimsHooks {
		if err := h.AddClaims(ctx, sess, claims); err != nil {
			return nil, err
		}
	}
	// An access token never outlives its session.
	ttl := min(time.Duration(core.DefaultTokenExpiration)*time.Second, sess.ExpiresAt.Sub(s.Now()).Truncate(time.Second))
	access, exp, err := s.Issuer.Sign(claims, ttl)
	if err != nil {
		return nil, err
	}
	verified := u.Verified
	return &Result{
		Response: &Response{
			AccessToken:   access,
			RefreshToken:  refresh,
			ExpiresIn:     int(ttl.Seconds()),
			Expires:       exp.UTC().Format(http.TimeFormat),
			UserID:        u.ID,
			UserEmail:     u.Email,
			EmailVerified: &verified,
		},
		RefreshToken:   refresh,
		RefreshExpires: refreshExp,
		SessionID:      sess.ID,
		User:           u,
		TenantID:       sess.TenantID,
	}, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
