package invitations

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/store"
)

func decodeEmail(r *http.Request) (string, error) {
	var req struct {
		Email string `json:"email"`
	}
	if err := api.Decode(r, &req); err != nil {
		return "", err
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		return "", iam.Invalid("email is required")
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return "", iam.Invalid("email must be an email")
	}
	return email, nil
}

// linkResponse is what the vendor gets back from a resend.
type linkResponse struct {
	UserID string `json:"userId"`
	Token  string `json:"token"`
	Link   string `json:"link"`
}

// resend sends an invitation again, with a new link (the earlier stops working).
//
// Called without credentials (the login box's resendInvitationEmail, for an
// invitee whose link expired), it emails every account the address has a
// pending invitation to, and answers an empty 200 whether or not there is
// one, so it tells nobody which addresses are invited.
//
// Called by the vendor (with frontegg-tenant-id) or by a user allowed to
// manage the account's users, it resends the invitation to that account,
// 404 when the address has none pending there. The vendor's answer carries
// the new link and token, as Frontegg's does; a user's does not, since the
// token would let its holder accept for the invitee.
func (h *Handler) resend(w http.ResponseWriter, r *http.Request) error {
	email, err := decodeEmail(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	if p == nil {
		u, err := h.DB.FindUserByEmail(ctx, email)
		switch {
		case errors.Is(err, iam.ErrNotFound):
		case err != nil:
			return err
		default:
			if _, err := h.reinvite(ctx, u, func(string) bool { return true }); err != nil {
				return err
			}
		}
		return api.NoContent(w)
	}
	switch {
	case p.TenantID == "":
		return iam.Invalid("frontegg-tenant-id header is required")
	case !p.Can(permWriteUsers):
		return iam.Forbidden("Insufficient permissions")
	}
	u, err := h.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, iam.ErrNotFound) {
		return errNoPendingInvitation
	} else if err != nil {
		return err
	}
	tokens, err := h.reinvite(ctx, u, func(tenantID string) bool { return tenantID == p.TenantID })
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		return errNoPendingInvitation
	}
	if !p.IsVendor() {
		return api.NoContent(w)
	}
	link, err := h.Notifier.Link(ctx, notify.InviteToTenant, u.ID, tokens[0])
	if err != nil {
		return err
	}
	return api.OK(w, linkResponse{UserID: u.ID, Token: tokens[0], Link: link})
}

var errNoPendingInvitation = iam.NotFound("No pending invitation for this email in this account")

// resendAll sends again every pending invitation of the address: to any
// account for the vendor without frontegg-tenant-id, else to the caller's
// account and its sub-accounts. It answers an empty 200, 404 when there was
// none to send.
func (h *Handler) resendAll(w http.ResponseWriter, r *http.Request) error {
	email, err := decodeEmail(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := h.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, iam.ErrNotFound) {
		return errNoPendingInvitation
	} else if err != nil {
		return err
	}
	scope := api.PrincipalFrom(ctx).TenantID
	within := func(tenantID string) bool { return scope == "" || h.isWithin(ctx, tenantID, scope) }
	tokens, err := h.reinvite(ctx, u, within)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		return errNoPendingInvitation
	}
	return api.NoContent(w)
}

// isWithin reports whether tenantID is root or one of its sub-accounts.
func (h *Handler) isWithin(ctx context.Context, tenantID, root string) bool {
	seen := map[string]bool{}
	for tenantID != "" && !seen[tenantID] {
		if tenantID == root {
			return true
		}
		seen[tenantID] = true
		t, err := h.DB.FindTenant(ctx, tenantID)
		if err != nil {
			return false
		}
		tenantID = t.ParentTenantID
	}
	return false
}

// reinvite emails u a new invitation to each account it has a pending
// invitation to and include accepts, in one transaction, and returns the tokens.
func (h *Handler) reinvite(ctx context.Context, u *iam.User, include func(tenantID string) bool) ([]string, error) {
	var tokens []string
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		ms, err := tx.FindMemberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.ActivatedForTenant || !include(m.TenantID) {
				continue
			}
			t, err := tx.FindTenant(ctx, m.TenantID)
			if err != nil {
				return err
			}
			tok, err := h.Notifier.Invitation(ctx, tx, u, notify.Invite{Tenant: t, Send: true})
			if err != nil {
				return err
			}
			tokens = append(tokens, tok)
		}
		return nil
	})
	return tokens, err
}
