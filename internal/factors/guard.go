package factors

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// A user's guard counts its wrong codes (authenticator, SMS, email) across
// every MFA token and code: each token allows MaxAttempts, but new tokens
// (another login, another step-up) and new codes can be had, so without it a
// guesser could go on for ever. After guardLimit wrong codes within
// guardWindow, every code of the user is refused until the window ends.
const (
	guardLimit  = 10
	guardWindow = 15 * time.Minute
	kindGuard   = "code-guard"
)

// ErrTooManyCodes answers codes of a user whose guard is closed.
var ErrTooManyCodes = &iam.Error{Kind: iam.KindRateLimited, Message: "Too many invalid codes: try again later"}

// guard returns the id of the user's open guard, starting one when none is
// live, or ErrTooManyCodes when the guard is closed.
func (s *Service) guard(ctx context.Context, userID string) (string, error) {
	now := s.Now()
	c, err := s.DB.FindLatestChallenge(ctx, userID, kindGuard, "", now)
	switch {
	case err == nil && c.Attempts >= guardLimit:
		return "", ErrTooManyCodes
	case err == nil:
		return c.ID, nil
	case !errors.Is(err, iam.ErrNotFound):
		return "", err
	}
	c = &store.Challenge{ID: secure.HashToken(secure.RandomToken(32)), Kind: kindGuard, UserID: userID,
		CreatedAt: now, ExpiresAt: now.Add(guardWindow)}
	return c.ID, s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChallenge(ctx, c, false) })
}

// guardFail counts a wrong code against the guard id. The guard stays live
// (its limit is checked by guard, not by FailChallenge) until its window ends.
func (s *Service) guardFail(ctx context.Context, id string) error {
	_, err := s.DB.FailChallenge(ctx, id, math.MaxInt32, s.Now())
	return err
}
