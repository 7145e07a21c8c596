package users

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// A user changes its own email in two steps: it names the new address, which
// is sent a six-digit code, then proves it owns the address with the code.
// One change is pending per user: asking again voids the earlier code. The
// code lives ten minutes, only as a hash, and dies after maxEmailCodeAttempts
// wrong tries.
const (
	emailChangeKind = "email-change"
	emailChangeTTL  = 10 * time.Minute
)

var (
	errEmailChangeCode  = iam.Invalid("code is invalid or expired")
	errEmailChangeTaken = iam.Conflict("email is already taken")
)

// emailChange is the data of a pending change's challenge.
type emailChange struct {
	Email string `json:"email"` // the new address, as the user typed it
}

// emailChangeHash binds the code to the new address, lower-cased.
func emailChangeHash(email, code string) string {
	return emailCodeHash(emailChangeKind+":"+strings.ToLower(email), code)
}

// checkEmailChangeAllowed refuses with 403 when the environment's user
// emails policy forbids users to change their email.
func (h *Handler) checkEmailChangeAllowed(ctx context.Context) error {
	p, err := policy.FindUserEmails(ctx, h.DB)
	if err != nil {
		return err
	}
	if !p.AllowEmailChange {
		return iam.Forbidden("Changing the email is not allowed by the user emails policy")
	}
	return nil
}

// requestEmailChange sends a code to the address the caller wants as its
// email; the email changes only once the code is verified. An address that
// already belongs to a user, the caller included, is answered alike and sent
// nothing, so the route tells no one which addresses are taken.
func (h *Handler) requestEmailChange(w http.ResponseWriter, r *http.Request) error {
	email, err := decodeEmail(r)
	if err != nil {
		return err
	}
	u, err := h.self(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.checkEmailChangeAllowed(ctx); err != nil {
		return err
	}
	data, err := json.Marshal(emailChange{Email: email})
	if err != nil {
		return err
	}
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.FindEmailOwner(ctx, email); !errors.Is(err, iam.ErrNotFound) {
			return err // nil when taken: nothing is sent
		}
		now := h.Now()
		code := secure.RandomDigits(6)
		c := &store.Challenge{ID: secure.HashToken(secure.RandomToken(32)), Kind: emailChangeKind, UserID: u.ID,
			CodeHash: emailChangeHash(email, code), Data: string(data), CreatedAt: now, ExpiresAt: now.Add(emailChangeTTL)}
		if err := tx.CreateChallenge(ctx, c, true); err != nil {
			return err
		}
		return h.mailEmailCode(ctx, tx, u, email, code, c.ExpiresAt)
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// verifyEmailChange makes the pending address the caller's verified email
// when code is right, and ends the caller's other sessions, as a password
// change does. It answers the updated user as GET users/v2/me does.
func (h *Handler) verifyEmailChange(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
		Code  string `json:"code"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	email, err := checkEmail("email", req.Email)
	if err != nil {
		return err
	}
	code := strings.TrimSpace(req.Code)
	if code == "" {
		return iam.Invalid("code is required")
	}
	id, err := selfID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.checkEmailChangeAllowed(ctx); err != nil {
		return err
	}
	c, err := h.DB.FindLatestChallenge(ctx, id, emailChangeKind, "", h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return errEmailChangeCode
	} else if err != nil {
		return err
	}
	var pending emailChange
	if err := json.Unmarshal([]byte(c.Data), &pending); err != nil {
		return err
	}
	if !strings.EqualFold(pending.Email, email) || !secure.Equal(c.CodeHash, emailChangeHash(email, code)) {
		if _, err := h.DB.FailChallenge(ctx, c.ID, maxEmailCodeAttempts, h.Now()); err != nil {
			return err
		}
		return errEmailChangeCode
	}
	var ended []string
	u, err := h.updateUser(ctx, id, func(tx *store.Tx, u *iam.User) error {
		now := h.Now()
		if err := tx.SpendChallenge(ctx, c.ID, now); errors.Is(err, iam.ErrNotFound) {
			return errEmailChangeCode
		} else if err != nil {
			return err
		}
		if err := claimEmail(ctx, tx, u.ID, pending.Email); err != nil {
			return err
		}
		u.Email, u.Verified = pending.Email, true
		ended, err = tx.EndUserSessionsExcept(ctx, u.ID, api.PrincipalFrom(ctx).SessionID, now)
		return err
	})
	if iam.KindOf(err) == iam.KindConflict {
		return errEmailChangeTaken // another user has the address, or won a race for it at the unique index
	}
	if err != nil {
		return err
	}
	h.forget(ended)
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}
