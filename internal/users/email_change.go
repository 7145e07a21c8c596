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
	"github.com/hatchid/hatch/internal/notify"
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

// checkEmailDomain refuses with a 400 an email that the email-domain
// restrictions of one of the user's accounts do not allow: a user's email
// must stay one each of its accounts would let join.
func (h *Handler) checkEmailDomain(ctx context.Context, userID, email string) error {
	ms, err := h.DB.FindMemberships(ctx, userID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		err := h.Domains.Allowed(ctx, m.TenantID, email)
		if !errors.Is(err, policy.ErrDomainRestricted) {
			if err != nil {
				return err
			}
			continue
		}
		name := m.TenantID
		if t, err := h.DB.FindTenant(ctx, m.TenantID); err == nil {
			name = t.Name
		}
		return iam.Invalid("email domain is not allowed in account %q by its email domain restrictions", name)
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
	if err := h.checkEmailDomain(ctx, u.ID, email); err != nil {
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
// when code is right, ends the caller's other sessions, as a password change
// does, and emails the old address that it was replaced (EmailAddressChanged).
// It answers the updated user as GET users/v2/me does.
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
	// The restrictions may have changed since the code was sent.
	if err := h.checkEmailDomain(ctx, id, pending.Email); err != nil {
		return err
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
		old := u.Email
		u.Email, u.Verified = pending.Email, true
		if ended, err = tx.EndUserSessionsExcept(ctx, u.ID, api.PrincipalFrom(ctx).SessionID, now); err != nil {
			return err
		}
		if old == "" || strings.EqualFold(old, u.Email) {
			return nil
		}
		// The old address learns of the change, in case it was not its owner's doing.
		return h.Notifier.Email(ctx, tx, notify.EmailAddressChanged, old, notify.Vars{Name: u.Name, Email: u.Email})
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
