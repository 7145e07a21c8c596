package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// An account's invitation link (tenants/invites) is used by signing up or
// logging in with its token as invitationToken: the user joins the link's
// account, with the link's roles (the account's default roles when it names
// none), instead of creating an account of its own. A sign-up through a link
// needs no allowSignups: the account invited it. The link's owner is emailed
// (UserUsedInvitation) when the link asks for it.

var errInviteLinkInvalid = iam.Invalid("The invitation link is invalid or has expired")

// inviteLink returns the live link of token, or a 400 when it is unknown,
// expired, or account invitations are off.
func (h *Handler) inviteLink(ctx context.Context, token string) (*store.InviteLink, error) {
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return nil, err
	}
	l, err := h.DB.FindInviteLinkByToken(ctx, secure.HashToken(strings.TrimSpace(token)))
	switch {
	case errors.Is(err, iam.ErrNotFound):
		return nil, errInviteLinkInvalid
	case err != nil:
		return nil, err
	case !l.ExpiresAt.After(h.Now()) || !core.AllowTenantInvitations:
		return nil, errInviteLinkInvalid
	}
	return l, nil
}

// linkRoles returns the roles a user joining through l gets.
func linkRoles(ctx context.Context, tx *store.Tx, l *store.InviteLink) ([]string, error) {
	if len(l.RoleIDs) > 0 {
		return l.RoleIDs, nil
	}
	return tx.DefaultRoleIDs(ctx, l.TenantID)
}

// joinByLink makes u a member of l's account unless it is one already, and
// tells the link's owner, in tx.
func (h *Handler) joinByLink(ctx context.Context, tx *store.Tx, u *iam.User, l *store.InviteLink) error {
	ms, err := tx.FindMemberships(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.TenantID == l.TenantID {
			return nil
		}
	}
	roles, err := linkRoles(ctx, tx, l)
	if err != nil {
		return err
	}
	err = tx.AddMembership(ctx, iam.Membership{UserID: u.ID, TenantID: l.TenantID, ActivatedForTenant: true, CreatedAt: h.Now()}, roles)
	if err != nil {
		return err
	}
	return h.tellLinkOwner(ctx, tx, u, l)
}

// tellLinkOwner emails l's owner that u joined through it, when l asks for it.
func (h *Handler) tellLinkOwner(ctx context.Context, tx *store.Tx, u *iam.User, l *store.InviteLink) error {
	if !l.ShouldSendEmail || l.UserID == "" {
		return nil
	}
	owner, err := tx.FindUser(ctx, l.UserID)
	if errors.Is(err, iam.ErrNotFound) || err == nil && owner.Email == "" {
		return nil
	} else if err != nil {
		return err
	}
	t, err := tx.FindTenant(ctx, l.TenantID)
	if err != nil {
		return err
	}
	return h.Notifier.Email(ctx, tx, notify.UserUsedInvitation, owner.Email, notify.Vars{
		Name: owner.Name, Email: owner.Email, Tenant: t.Name, IssuerName: u.Name, IssuerEmail: u.Email,
		IssuerMetadata: u.Metadata, IssuerPictureURL: u.ProfilePictureURL,
	})
}
