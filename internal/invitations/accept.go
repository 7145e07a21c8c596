package invitations

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// errInvitationInvalid answers every acceptance whose token cannot be used:
// unknown, expired, spent, another user's, or for a membership that is gone.
var errInvitationInvalid = iam.Invalid("The invitation link is invalid or has expired")

// errTenantLocked is Frontegg's answer to an invitation into a locked account.
var errTenantLocked = &iam.Error{Kind: iam.KindInvalid, Message: "The account is locked", Code: "ER-01239"}

type acceptRequest struct {
	UserID   string `json:"userId"`
	Token    string `json:"token"`
	Code     string `json:"code"`     // accept/code only: the six-digit code of the invitation email
	Password string `json:"password"` // Hatch's addition: sets the password of an invitee who has none
}

// accept spends an invitation token (the userId and token of the emailed
// link): the user becomes an active member of the account with the roles it
// was invited with, and verified, since the link reached its address. It
// answers an empty 200; the user then logs in as usual.
//
// @frontegg/rest-api's acceptInvitation sends only {userId, token}. An
// invitee who has no password yet (a new user) sets one in one of two ways:
// with a password in this request, checked against the password policy; or
// afterwards through activation with the same userId and token (GET
// users/v1/activate/strategy says shouldSetPassword, POST users/v1/activate
// sets it), which accepting without a password makes of the token.
func (h *Handler) accept(w http.ResponseWriter, r *http.Request) error {
	return h.acceptInvitation(w, r, false)
}

// acceptWithCode is accept for invitation pages that also ask for the code
// of an InviteToTenantWithCode email.
func (h *Handler) acceptWithCode(w http.ResponseWriter, r *http.Request) error {
	return h.acceptInvitation(w, r, true)
}

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, withCode bool) error {
	var req acceptRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	req.UserID, req.Token, req.Code = strings.TrimSpace(req.UserID), strings.TrimSpace(req.Token), strings.TrimSpace(req.Code)
	switch {
	case req.UserID == "":
		return iam.Invalid("userId is required")
	case req.Token == "":
		return iam.Invalid("token is required")
	case withCode && req.Code == "":
		return iam.Invalid("code is required")
	}
	ctx := r.Context()
	now := h.Now()
	tokenHash := secure.HashToken(req.Token)
	passwordHash := ""
	if req.Password != "" {
		// The token is checked (not spent) first, so the policy is that of its account.
		c, err := h.DB.PeekCode(ctx, notify.CodeInvitation, tokenHash, now)
		if errors.Is(err, iam.ErrNotFound) || err == nil && c.UserID != req.UserID {
			return errInvitationInvalid
		} else if err != nil {
			return err
		}
		if err := h.Passwords.Check(ctx, "password", []string{c.TenantID}, req.UserID, req.Password); err != nil {
			return err
		}
		passwordHash = h.Hasher.Hash(req.Password)
	}
	activation, err := notify.LoadStrategy(ctx, h.DB, notify.ActivationStrategyName)
	if err != nil {
		return err
	}
	// Every failure below rolls back, so the token stays usable.
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.UseCode(ctx, notify.CodeInvitation, tokenHash, req.UserID, now)
		if errors.Is(err, iam.ErrNotFound) {
			return errInvitationInvalid
		}
		if err != nil {
			return err
		}
		if withCode && !notify.InvitationCodeMatches(c, req.Token, req.Code) {
			return iam.Invalid("code is incorrect")
		}
		t, err := tx.FindTenant(ctx, c.TenantID)
		if errors.Is(err, iam.ErrNotFound) {
			return errInvitationInvalid
		} else if err != nil {
			return err
		}
		if t.Locked {
			return errTenantLocked
		}
		if err := tx.SetMembershipActivated(ctx, c.UserID, c.TenantID, true); errors.Is(err, iam.ErrNotFound) {
			return errInvitationInvalid
		} else if err != nil {
			return err
		}
		u, err := tx.FindUser(ctx, c.UserID)
		if err != nil {
			return err
		}
		newcomer := !u.Verified
		switch {
		case u.PasswordHash != "":
		case passwordHash != "":
			if err := tx.SetPassword(ctx, u.ID, passwordHash, now); err != nil {
				return err
			}
		case newcomer:
			// The link reached the invitee; let it set the first password too.
			if err := tx.ConvertCode(ctx, tokenHash, notify.CodeActivation, now.Add(activation.TTL())); err != nil {
				return err
			}
		}
		u.Verified, u.UpdatedAt = true, now
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
