package factors

import (
	"context"
	"errors"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Passwordless sign-in methods, as the routes name them.
const (
	MagicLink = "magiclink" // an emailed link
	EmailOTC  = "code"      // an emailed six-digit code
	SMSOTC    = "smscode"   // a texted six-digit code
)

// ErrPasswordlessFailed answers every passwordless sign-in that cannot proceed.
var ErrPasswordlessFailed = iam.Unauthorized("The sign-in link or code is invalid or expired")

// SendPasswordless sends u a sign-in link (MagicLink) or code (EmailOTC,
// SMSOTC) that lives for ttl (codes at most MaxCodeLifetime) and returns the
// token that identifies it: a link's own token, or for a code a binding token
// the browser keeps, so the code is checked against its own challenge. A user
// without the address or phone the method needs is sent nothing; the token
// returned then identifies nothing, so callers answer alike.
func (s *Service) SendPasswordless(ctx context.Context, u *iam.User, method string, ttl time.Duration) (string, error) {
	token, now := secure.RandomToken(32), s.Now()
	to := u.Email
	if method == SMSOTC {
		to = u.PhoneNumber
	}
	if to == "" {
		return token, nil
	}
	c := &store.Challenge{ID: secure.HashToken(token), Kind: kindPasswordless + "-" + method, UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	code := ""
	if method != MagicLink {
		code = secure.RandomDigits(6)
		c.ExpiresAt = now.Add(min(ttl, MaxCodeLifetime))
		c.CodeHash = codeHash(c.ID, code)
	}
	vars := notify.Vars{Name: u.Name, Email: u.Email, Code: code, Expires: c.ExpiresAt.UTC().Format(time.RFC1123)}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateChallenge(ctx, c, true); err != nil {
			return err
		}
		switch method {
		case MagicLink:
			vars.UserID, vars.Token = u.ID, token // the MagicLink template makes the link
			return s.Notifier.Email(ctx, tx, notify.MagicLink, u.Email, vars)
		case EmailOTC:
			return s.Notifier.Email(ctx, tx, notify.OTC, u.Email, vars)
		}
		return s.SMS.SendCode(ctx, tx, notify.SMSOTC, u.PhoneNumber, code)
	})
	return token, err
}

// UseMagicLink spends a sign-in link's token and returns its user.
func (s *Service) UseMagicLink(ctx context.Context, token string) (*iam.User, error) {
	c, err := s.DB.FindChallenge(ctx, secure.HashToken(token), kindPasswordless+"-"+MagicLink, s.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrPasswordlessFailed
	}
	if err != nil {
		return nil, err
	}
	return s.spendPasswordless(ctx, c)
}

// UsePasswordlessCode spends the sign-in code of method and returns its user.
// The code's challenge is the one binding names (the browser that asked for
// it) or, without one, the latest one sent to u. Wrong codes count against
// the challenge and the user's guard.
func (s *Service) UsePasswordlessCode(ctx context.Context, method, binding string, u *iam.User, code string) (*iam.User, error) {
	kind, now := kindPasswordless+"-"+method, s.Now()
	var c *store.Challenge
	var err error
	switch {
	case binding != "":
		c, err = s.DB.FindChallenge(ctx, secure.HashToken(binding), kind, now)
	case u != nil:
		c, err = s.DB.FindLatestChallenge(ctx, u.ID, kind, "", now)
	default:
		err = iam.ErrNotFound
	}
	if errors.Is(err, iam.ErrNotFound) || (err == nil && u != nil && c.UserID != u.ID) {
		return nil, ErrPasswordlessFailed
	}
	if err != nil {
		return nil, err
	}
	guard, err := s.guard(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	if !secure.Equal(c.CodeHash, codeHash(c.ID, code)) {
		if err := s.guardFail(ctx, guard); err != nil {
			return nil, err
		}
		s.fail(ctx, c.ID)
		return nil, ErrPasswordlessFailed
	}
	return s.spendPasswordless(ctx, c)
}

func (s *Service) spendPasswordless(ctx context.Context, c *store.Challenge) (*iam.User, error) {
	if err := s.DB.SpendChallenge(ctx, c.ID, s.Now()); errors.Is(err, iam.ErrNotFound) {
		return nil, ErrPasswordlessFailed
	} else if err != nil {
		return nil, err
	}
	u, err := s.DB.FindUser(ctx, c.UserID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrPasswordlessFailed
	}
	return u, err
}
