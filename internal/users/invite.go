package users

import (
	"context"
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/store"
)

// inviteUser invites a person into the scope tenant (POST users/v2) and
// answers the user as a member of it, 201. See invite.
func (h *Handler) inviteUser(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := requireTenant(r)
	if err != nil {
		return err
	}
	var req createRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	u, err := h.invite(r.Context(), tenantID, &req, inviteOptions{issuer: api.PrincipalFrom(r.Context()).UserID})
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusCreated, u, tenantID)
}

// inviteOptions change how invite works.
type inviteOptions struct {
	issuer string // the id of the user who invites, when one does
	bulk   bool   // part of a bulk invitation (its own email template)
	// then runs last in the inviting transaction, with the invited user.
	then    func(tx *store.Tx, u *iam.User) error
	retried bool // the email was found taken once while creating the user
}

// invite adds the person req describes to tenantID, in one transaction:
//
//   - an email no user has: the user is created as users/v1 creates one, a
//     member whose membership waits for the invitation to be accepted;
//   - a user who is not a member: joins with roleIds (or the default roles),
//     waiting likewise; the user's profile is left as it is;
//   - a member who has not accepted yet: gets a new invitation, and the
//     earlier link stops working (Frontegg's admin portal resends
//     invitations this way);
//   - a member who has accepted: 409.
//
// Each gets the invitation email (notify.Notifier.Invitation), unless
// skipInviteEmail is set: then the membership is active at once and a new
// user is verified, as with users/v1. A password in the request is set on
// a new user only.
func (h *Handler) invite(ctx context.Context, tenantID string, req *createRequest, opt inviteOptions) (*iam.User, error) {
	n, err := h.checkCreate(ctx, req, tenantID, false)
	if err != nil {
		return nil, err
	}
	var issuer *iam.User
	if opt.issuer != "" {
		if issuer, err = h.DB.FindUser(ctx, opt.issuer); err != nil && !errors.Is(err, iam.ErrNotFound) {
			return nil, err
		}
	}
	send := !req.SkipInviteEmail
	invite := func(tx *store.Tx, u *iam.User) error {
		if send {
			t, err := tx.FindTenant(ctx, tenantID)
			if err != nil {
				return err
			}
			if _, err := h.Notifier.Invitation(ctx, tx, u, notify.Invite{Tenant: t, Issuer: issuer, Bulk: opt.bulk, Send: true}); err != nil {
				return err
			}
		}
		if opt.then != nil {
			return opt.then(tx, u)
		}
		return nil
	}
	var existing *iam.User
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.FindEmailOwner(ctx, n.user.Email)
		if errors.Is(err, iam.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if existing, err = tx.FindUser(ctx, id); err != nil {
			return err
		}
		return h.inviteExisting(ctx, tx, existing, tenantID, req.RoleIDs, send, invite)
	})
	if err != nil || existing != nil {
		return existing, err
	}
	n.invite, n.invited = false, send
	n.then = func(tx *store.Tx) error { return invite(tx, n.user) }
	err = h.insert(ctx, n)
	if iam.KindOf(err) == iam.KindConflict && !opt.retried {
		// The email may have been taken since the check above: invite that
		// user instead (a taken username stays a conflict).
		opt.retried = true
		return h.invite(ctx, tenantID, req, opt)
	}
	return n.user, err
}

// inviteExisting invites the existing user u into tenantID in tx (see invite).
func (h *Handler) inviteExisting(ctx context.Context, tx *store.Tx, u *iam.User, tenantID string, roleIDs []string, send bool,
	invite func(tx *store.Tx, u *iam.User) error) error {
	ms, err := tx.FindMemberships(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		switch {
		case m.TenantID != tenantID:
		case m.ActivatedForTenant:
			return iam.Conflict("User is already a member of this account")
		default:
			return invite(tx, u)
		}
	}
	if _, err := tx.FindTenant(ctx, tenantID); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Tenant not found")
	} else if err != nil {
		return err
	}
	roles, err := h.checkRoles(ctx, tx, tenantID, roleIDs)
	if err != nil {
		return err
	}
	if err := h.checkRoleLevels(ctx, tx, roleIDs); err != nil {
		return err
	}
	m := iam.Membership{UserID: u.ID, TenantID: tenantID, ActivatedForTenant: !send, CreatedAt: h.Now()}
	if err := tx.AddMembership(ctx, m, roles); err != nil {
		return err
	}
	if u.ActiveTenantID == "" {
		u.ActiveTenantID, u.UpdatedAt = tenantID, h.Now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	return invite(tx, u)
}
