package users

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// A user whom failed logins lock (the lockout policy) is emailed an unlock
// link (notify.Notifier.Unlock); its token, stored only as a hash, lifts the
// lock once, within notify.UnlockTTL. A lock the vendor sets voids the
// user's unlock links, so a token cannot lift it.

// errUnlockToken answers every unlock whose token cannot be spent: unknown,
// expired, used or voided. It names no user.
var errUnlockToken = iam.Invalid("The unlock link is invalid or has expired")

// unlockMe lifts the lock of the user whose unlock token the body carries,
// forgets its failed logins, records the unlock in the audit log and emails
// the user that the account is unlocked, in one transaction. It is public: a
// locked user cannot sign in, so the token is the credential.
func (h *Handler) unlockMe(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token string `json:"token"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tok := strings.TrimSpace(req.Token)
	if tok == "" {
		return iam.Invalid("token is required")
	}
	ctx := r.Context()
	hash := secure.HashToken(tok)
	c, err := h.DB.PeekCode(ctx, notify.CodeUnlock, hash, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return errUnlockToken
	} else if err != nil {
		return err
	}
	_, err = h.updateUser(ctx, c.UserID, func(tx *store.Tx, u *iam.User) error {
		// Spent in the transaction that unlocks: of two concurrent uses one wins.
		if _, err := tx.UseCode(ctx, notify.CodeUnlock, hash, u.ID, h.Now()); errors.Is(err, iam.ErrNotFound) {
			return errUnlockToken
		} else if err != nil {
			return err
		}
		if err := unlock(ctx, tx, u); err != nil {
			return err
		}
		// No one is signed in: the user, by its link, is the actor.
		e := audit.Event{TenantID: u.ActiveTenantID, UserID: u.ID, Email: u.Email, ActorID: u.ID, ActorType: audit.ActorUser,
			ActorEmail: u.Email, Action: audit.ActionUnlock, Resource: "Authentication", Severity: audit.Medium,
			UserAgent: r.UserAgent(), Data: map[string]any{"via": "unlock link"}}
		if err := h.Audit.RecordTx(ctx, tx, e); err != nil || u.Email == "" {
			return err
		}
		return h.Notifier.Email(ctx, tx, notify.UnlockUserSuccess, u.Email, notify.Vars{Name: u.Name, Email: u.Email})
	})
	if errors.Is(err, errUserNotFound) {
		return errUnlockToken
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// unlock lifts u's lock, whether the vendor's or the lockout policy's, forgets
// its failed logins and voids its unlock links, in tx; the caller saves u.
func unlock(ctx context.Context, tx *store.Tx, u *iam.User) error {
	u.Locked, u.LockedUntil = false, nil
	if err := tx.ClearLoginFailures(ctx, u.ID); err != nil {
		return err
	}
	return tx.DeleteCodes(ctx, u.ID, notify.CodeUnlock, "")
}
