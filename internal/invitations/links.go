package invitations

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// An invitation link (Frontegg's tenant invite) lets whoever holds its token
// join an account, with the link's roles (the account's default roles when
// it names none), until it expires; sign-up with invitationToken uses it.
// Unlike emailed one-time links it is shared, so it works any number of
// times until it expires or is deleted. Its token is looked up by hash and
// kept sealed, because Frontegg shows it again to the account's admins.
//
// The vendor makes links for any account (tenants/invites/v1); a member
// allowed to manage users makes its own link of its account
// (tenants/invites/v1|v2/user, one per member, a new one replacing the old),
// optionally being emailed (UserUsedInvitation) when someone uses it.

const (
	defaultLinkMinutes = 30 * 24 * 60
	maxLinkMinutes     = 365 * 24 * 60
	linkTokenAAD       = "invite-link/token"
)

// inviteTokenJSON is Frontegg's InviteTokenDto; name is the account's name.
type inviteTokenJSON struct {
	ID              string    `json:"id"`
	VendorID        string    `json:"vendorId"`
	TenantID        string    `json:"tenantId"`
	UserID          string    `json:"userId,omitempty"`
	Token           string    `json:"token"`
	Expires         time.Time `json:"expires"`
	ShouldSendEmail bool      `json:"shouldSendEmail"`
	Name            string    `json:"name,omitempty"`
	RoleIDs         []string  `json:"roleIds"`
}

func (h *Handler) linkJSON(ctx context.Context, l *store.InviteLink) (inviteTokenJSON, error) {
	token, err := h.Sealer.Open(l.TokenSealed, linkTokenAAD)
	if err != nil {
		return inviteTokenJSON{}, err
	}
	out := inviteTokenJSON{ID: l.ID, VendorID: h.ClientID, TenantID: l.TenantID, UserID: l.UserID, Token: string(token),
		Expires: l.ExpiresAt, ShouldSendEmail: l.ShouldSendEmail, RoleIDs: l.RoleIDs}
	if out.RoleIDs == nil {
		out.RoleIDs = []string{}
	}
	if t, err := h.DB.FindTenant(ctx, l.TenantID); err == nil {
		out.Name = t.Name
	}
	return out, nil
}

func (h *Handler) writeLink(w http.ResponseWriter, r *http.Request, status int, l *store.InviteLink) error {
	out, err := h.linkJSON(r.Context(), l)
	if err != nil {
		return err
	}
	return api.JSON(w, status, out)
}

// linkRequest is the body of every route that makes or changes a link.
type linkRequest struct {
	TenantID         string   `json:"tenantId"`
	UserID           string   `json:"userId"`
	ExpiresInMinutes *float64 `json:"expiresInMinutes"`
	ShouldSendEmail  *bool    `json:"shouldSendEmail"`
	RoleIDs          []string `json:"roleIds"`
}

// expiry returns when a link asked for now expires.
func (req *linkRequest) expiry(now time.Time) (time.Time, error) {
	minutes := float64(defaultLinkMinutes)
	if req.ExpiresInMinutes != nil {
		minutes = *req.ExpiresInMinutes
	}
	if minutes < 1 || minutes > maxLinkMinutes {
		return time.Time{}, iam.Invalid("expiresInMinutes must be between 1 and %d", maxLinkMinutes)
	}
	return now.Add(time.Duration(minutes * float64(time.Minute))), nil
}

// checkInvitations refuses links while the environment disallows account invitations.
func (h *Handler) checkInvitations(ctx context.Context) error {
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return err
	}
	if !core.AllowTenantInvitations {
		return iam.Forbidden("Account invitations are disabled")
	}
	return nil
}

// newLink checks req and makes the link of tenantID owned by userID ("" for
// none); roleIDs must be usable in the account.
func (h *Handler) newLink(ctx context.Context, tenantID, userID string, req *linkRequest) (*store.InviteLink, error) {
	if err := h.checkInvitations(ctx); err != nil {
		return nil, err
	}
	now := h.Now()
	expires, err := req.expiry(now)
	if err != nil {
		return nil, err
	}
	t, err := h.DB.FindTenant(ctx, tenantID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Tenant not found")
	} else if err != nil {
		return nil, err
	}
	if userID != "" && !h.isMember(ctx, userID, t.TenantID) {
		return nil, iam.NotFound("User not found")
	}
	if len(req.RoleIDs) > 0 {
		err := h.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CheckRoles(ctx, t.TenantID, req.RoleIDs) })
		if errors.Is(err, iam.ErrNotFound) {
			return nil, iam.NotFound("Role not found")
		} else if err != nil {
			return nil, err
		}
	}
	token := secure.RandomToken(32)
	l := &store.InviteLink{ID: uuid.NewString(), TenantID: t.TenantID, UserID: userID, TokenHash: secure.HashToken(token),
		TokenSealed: h.Sealer.Seal([]byte(token), linkTokenAAD), RoleIDs: req.RoleIDs,
		ShouldSendEmail: req.ShouldSendEmail != nil && *req.ShouldSendEmail, ExpiresAt: expires, CreatedAt: now, UpdatedAt: now}
	return l, h.DB.CreateInviteLink(ctx, l)
}

func (h *Handler) isMember(ctx context.Context, userID, tenantID string) bool {
	ms, err := h.DB.FindMemberships(ctx, userID)
	if err != nil {
		return false
	}
	for _, m := range ms {
		if m.TenantID == tenantID {
			return true
		}
	}
	return false
}

// createLink makes a link of the body's account, owned by userId when given (vendor).
func (h *Handler) createLink(w http.ResponseWriter, r *http.Request) error {
	var req linkRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.TenantID = strings.TrimSpace(req.TenantID); req.TenantID == "" {
		return iam.Invalid("tenantId is required")
	}
	l, err := h.newLink(r.Context(), req.TenantID, strings.TrimSpace(req.UserID), &req)
	if err != nil {
		return err
	}
	return h.writeLink(w, r, http.StatusCreated, l)
}

// listLinks answers every link of every account (vendor).
func (h *Handler) listLinks(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.DB.FindInviteLinks(r.Context())
	if err != nil {
		return err
	}
	out := make([]inviteTokenJSON, 0, len(ls))
	for _, l := range ls {
		j, err := h.linkJSON(r.Context(), l)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	return api.OK(w, out)
}

var errLinkNotFound = iam.NotFound("Invitation link not found")

// deleteLink removes a link by id (vendor).
func (h *Handler) deleteLink(w http.ResponseWriter, r *http.Request) error {
	return h.deleteLinkByID(w, r, r.PathValue("id"))
}

// owner returns the member a "my link" route acts for and its account: the
// token's user and active account, or the vendor's frontegg-user-id and
// frontegg-tenant-id headers.
func owner(r *http.Request) (userID, tenantID string, err error) {
	p := api.PrincipalFrom(r.Context())
	switch {
	case p.TenantID == "":
		return "", "", iam.Invalid("frontegg-tenant-id header is required")
	case p.UserID == "" && p.IsVendor():
		return "", "", iam.Invalid("frontegg-user-id header is required")
	case p.UserID == "":
		return "", "", iam.Forbidden("This route needs a user")
	}
	return p.UserID, p.TenantID, nil
}

// myLink loads the link the caller owns in its account, or 404.
func (h *Handler) myLink(r *http.Request) (*store.InviteLink, error) {
	userID, tenantID, err := owner(r)
	if err != nil {
		return nil, err
	}
	l, err := h.DB.FindUserInviteLink(r.Context(), tenantID, userID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errLinkNotFound
	}
	return l, err
}

func (h *Handler) getMyLink(w http.ResponseWriter, r *http.Request) error {
	l, err := h.myLink(r)
	if err != nil {
		return err
	}
	return h.writeLink(w, r, http.StatusOK, l)
}

// createMyLink makes the caller's link of its account, with the default roles.
func (h *Handler) createMyLink(w http.ResponseWriter, r *http.Request) error {
	return h.createOwnLink(w, r, false)
}

// createMyLinkWithRoles makes the caller's link with roleIds, which the
// caller must be allowed to give.
func (h *Handler) createMyLinkWithRoles(w http.ResponseWriter, r *http.Request) error {
	return h.createOwnLink(w, r, true)
}

func (h *Handler) createOwnLink(w http.ResponseWriter, r *http.Request, withRoles bool) error {
	userID, tenantID, err := owner(r)
	if err != nil {
		return err
	}
	var req linkRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.ExpiresInMinutes == nil:
		return iam.Invalid("expiresInMinutes is required")
	case req.ShouldSendEmail == nil:
		return iam.Invalid("shouldSendEmail is required")
	case !withRoles:
		req.RoleIDs = nil
	case req.RoleIDs == nil:
		return iam.Invalid("roleIds is required")
	}
	if err := h.checkRoleRanks(r.Context(), req.RoleIDs); err != nil {
		return err
	}
	l, err := h.newLink(r.Context(), tenantID, userID, &req)
	if err != nil {
		return err
	}
	return h.writeLink(w, r, http.StatusCreated, l)
}

// checkRoleRanks lets a user put on its link only roles at or below its own
// rank (a level not lower than its lowest one); the vendor puts any.
func (h *Handler) checkRoleRanks(ctx context.Context, roleIDs []string) error {
	p := api.PrincipalFrom(ctx)
	if p.IsVendor() || len(roleIDs) == 0 {
		return nil
	}
	own, err := h.DB.FindAuthz(ctx, p.UserID, p.TenantID)
	if err != nil {
		return err
	}
	var levels map[string]int
	if err := h.DB.InTx(ctx, func(tx *store.Tx) (err error) { levels, err = tx.RoleLevels(ctx, roleIDs); return err }); err != nil {
		return err
	}
	return policy.CheckRoleRank(own.Roles, levels)
}

// updateMyLink changes the caller's link's expiry and email choice.
func (h *Handler) updateMyLink(w http.ResponseWriter, r *http.Request) error {
	var req linkRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	l, err := h.myLink(r)
	if err != nil {
		return err
	}
	now := h.Now()
	if req.ExpiresInMinutes != nil {
		if l.ExpiresAt, err = req.expiry(now); err != nil {
			return err
		}
	}
	if req.ShouldSendEmail != nil {
		l.ShouldSendEmail = *req.ShouldSendEmail
	}
	l.UpdatedAt = now
	if err := h.DB.UpdateInviteLink(r.Context(), l); errors.Is(err, iam.ErrNotFound) {
		return errLinkNotFound
	} else if err != nil {
		return err
	}
	return h.writeLink(w, r, http.StatusOK, l)
}

func (h *Handler) deleteMyLink(w http.ResponseWriter, r *http.Request) error {
	l, err := h.myLink(r)
	if err != nil {
		return err
	}
	return h.deleteLinkByID(w, r, l.ID)
}

func (h *Handler) deleteLinkByID(w http.ResponseWriter, r *http.Request, id string) error {
	if err := h.DB.DeleteInviteLink(r.Context(), id); errors.Is(err, iam.ErrNotFound) {
		return errLinkNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

// verifyLink answers the link a token belongs to, with its account's name,
// while it works; anyone holding the token may ask.
func (h *Handler) verifyLink(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token string `json:"token"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Token = strings.TrimSpace(req.Token); req.Token == "" {
		return iam.Invalid("token is required")
	}
	ctx := r.Context()
	l, err := h.DB.FindInviteLinkByToken(ctx, secure.HashToken(req.Token))
	switch {
	case errors.Is(err, iam.ErrNotFound):
		return errLinkInvalid
	case err != nil:
		return err
	case !l.ExpiresAt.After(h.Now()):
		return errLinkInvalid
	}
	if err := h.checkInvitations(ctx); err != nil {
		return errLinkInvalid
	}
	return h.writeLink(w, r, http.StatusOK, l)
}

var errLinkInvalid = iam.Invalid("The invitation link is invalid or has expired")

// linkConfiguration says whether account invitations are allowed and whether
// link owners are emailed when their link is used (the UserUsedInvitation
// template is active).
func (h *Handler) linkConfiguration(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return err
	}
	active := true
	if o, err := h.DB.FindEmailTemplate(ctx, string(notify.UserUsedInvitation)); err == nil {
		active = o.Active
	} else if !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	return api.OK(w, map[string]bool{"tenantInvitationsAllowed": core.AllowTenantInvitations, "emailsEnabled": active})
}
