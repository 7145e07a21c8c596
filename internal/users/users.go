package users

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// createRequest is the body of both create routes; tenantId, vendorMetadata
// and mfaBypass are read only on the vendor-only one.
type createRequest struct {
	Email               string   `json:"email"`
	Username            string   `json:"username"`
	Name                string   `json:"name"`
	ProfilePictureURL   string   `json:"profilePictureUrl"`
	Password            string   `json:"password"`
	PhoneNumber         string   `json:"phoneNumber"`
	Provider            string   `json:"provider"`
	Metadata            jsonText `json:"metadata"`
	VendorMetadata      jsonText `json:"vendorMetadata"`
	SkipInviteEmail     bool     `json:"skipInviteEmail"`
	RoleIDs             []string `json:"roleIds"`
	ExpirationInSeconds *int64   `json:"expirationInSeconds"`
	Verified            *bool    `json:"verified"`
	MFABypass           *bool    `json:"mfaBypass"`
	ExternalID          string   `json:"externalId"`
	TenantID            string   `json:"tenantId"`
}

// newUser is a checked create request.
type newUser struct {
	user           *iam.User
	tenantID       string
	roleIDs        []string
	vendorMetadata *string
	mfaBypass      *bool
	invite         bool // queue the activation email (no password, invite not skipped)
	// invited makes the membership wait for an invitation to be accepted;
	// then, when set, runs last in the creating transaction (it sends the
	// invitation).
	invited bool
	then    func(tx *store.Tx) error
}

// checkCreate validates req and builds the user it asks for.
func (h *Handler) checkCreate(ctx context.Context, req *createRequest, tenantID string, vendorOnly bool) (*newUser, error) {
	var err error
	req.Email = strings.TrimSpace(req.Email)
	req.Username = strings.TrimSpace(req.Username)
	switch {
	case vendorOnly && req.Email == "" && req.Username == "":
		return nil, iam.Invalid("email or username is required")
	case req.Email != "" || !vendorOnly:
		if req.Email, err = checkEmail("email", req.Email); err != nil {
			return nil, err
		}
	}
	if req.Username != "" {
		if err := checkUsername(req.Username); err != nil {
			return nil, err
		}
	}
	if err := checkProfile(req.Name, req.PhoneNumber, req.ProfilePictureURL); err != nil {
		return nil, err
	}
	if req.Email != "" && tenantID != "" {
		// The account's email-domain restrictions decide who may join it.
		if err := h.Domains.Allowed(ctx, tenantID, req.Email); err != nil {
			return nil, err
		}
	}
	if req.Password != "" {
		var tenants []string
		if tenantID != "" {
			tenants = []string{tenantID}
		}
		if err := h.Passwords.Check(ctx, "password", tenants, "", req.Password); err != nil {
			return nil, err
		}
	}
	provider, err := checkProvider(req.Provider)
	if err != nil {
		return nil, err
	}
	if err := req.Metadata.check("metadata"); err != nil {
		return nil, err
	}
	now := h.Now()
	u := &iam.User{
		ID: uuid.NewString(), Email: req.Email, Username: req.Username, Name: strings.TrimSpace(req.Name),
		PhoneNumber: req.PhoneNumber, ProfilePictureURL: req.ProfilePictureURL, Metadata: req.Metadata.Text,
		Provider: provider, ActiveTenantID: tenantID, CreatedAt: now, UpdatedAt: now,
		// A vendor or admin who skips the invitation vouches for the address.
		Verified: req.SkipInviteEmail,
	}
	if req.Verified != nil {
		u.Verified = *req.Verified
	}
	if req.ExpirationInSeconds != nil {
		if u.TemporaryExpires, err = h.temporaryUntil(ctx, *req.ExpirationInSeconds); err != nil {
			return nil, err
		}
	}
	if req.Password != "" {
		u.PasswordHash = h.Hasher.Hash(req.Password)
		u.PasswordChangedAt = &now
	}
	n := &newUser{user: u, tenantID: tenantID, roleIDs: req.RoleIDs, invite: req.Password == "" && !req.SkipInviteEmail && !vendorOnly}
	if vendorOnly {
		if err := req.VendorMetadata.check("vendorMetadata"); err != nil {
			return nil, err
		}
		u.ExternalID = strings.TrimSpace(req.ExternalID)
		n.vendorMetadata, n.mfaBypass = &req.VendorMetadata.Text, req.MFABypass
	}
	return n, nil
}

// insert stores n, with its roles (the tenant's default roles when none were
// asked for) and vendor fields, and queues the activation email, in one transaction.
func (h *Handler) insert(ctx context.Context, n *newUser) error {
	return h.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.FindTenant(ctx, n.tenantID); errors.Is(err, iam.ErrNotFound) {
			return iam.NotFound("Tenant not found")
		} else if err != nil {
			return err
		}
		roleIDs, err := h.checkRoles(ctx, tx, n.tenantID, n.roleIDs)
		if err != nil {
			return err
		}
		if err := h.checkRoleLevels(ctx, tx, n.roleIDs); err != nil {
			return err
		}
		err = tx.CreateUser(ctx, store.NewUser{User: n.user, TenantID: n.tenantID, RoleIDs: roleIDs, Invited: n.invited})
		if errors.Is(err, iam.ErrConflict) {
			return iam.Conflict("User already exists")
		}
		if err != nil {
			return err
		}
		if err := tx.SetVendorFields(ctx, n.user.ID, n.vendorMetadata, n.mfaBypass); err != nil {
			return err
		}
		if n.invite {
			if _, err = h.Notifier.Activation(ctx, tx, n.user, n.tenantID, true); err != nil {
				return err
			}
		}
		if n.then != nil {
			return n.then(tx)
		}
		return nil
	})
}

// checkRoles returns roleIDs when each is usable in tenantID, or the
// tenant's default roles when roleIDs is empty.
func (h *Handler) checkRoles(ctx context.Context, tx *store.Tx, tenantID string, roleIDs []string) ([]string, error) {
	if len(roleIDs) == 0 {
		return tx.DefaultRoleIDs(ctx, tenantID)
	}
	err := tx.CheckRoles(ctx, tenantID, roleIDs)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Role not found")
	}
	return roleIDs, err
}

// checkRoleLevels lets a user give only roles at or below its own rank: a
// role's level may not be lower (higher ranked) than the lowest level among
// the user's roles in its tenant. The vendor gives any role; an API token,
// whose rank is unknown, only the default ones (by naming none).
func (h *Handler) checkRoleLevels(ctx context.Context, tx *store.Tx, roleIDs []string) error {
	p := api.PrincipalFrom(ctx)
	switch {
	case p.IsVendor() || len(roleIDs) == 0:
		return nil
	case p.Kind != iam.CallerUser:
		return iam.Forbidden("Only a user or the vendor may assign roles")
	}
	own, err := h.DB.FindAuthz(ctx, p.UserID, p.TenantID)
	if err != nil {
		return err
	}
	levels, err := tx.RoleLevels(ctx, roleIDs)
	if err != nil {
		return err
	}
	return policy.CheckRoleRank(own.Roles, levels)
}

// createUser creates a user in the scope tenant (POST users/v1). Without a
// password and unless skipInviteEmail is set, the user gets an activation email.
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := requireTenant(r)
	if err != nil {
		return err
	}
	var req createRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	return h.create(w, r, &req, tenantID, false)
}

// createVendorUser creates a user in the body's tenantId (POST vendor-only/users/v1), sending no email.
func (h *Handler) createVendorUser(w http.ResponseWriter, r *http.Request) error {
	var req createRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.TenantID = strings.TrimSpace(req.TenantID); req.TenantID == "" {
		return iam.Invalid("tenantId is required")
	}
	return h.create(w, r, &req, req.TenantID, true)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request, req *createRequest, tenantID string, vendorOnly bool) error {
	n, err := h.checkCreate(r.Context(), req, tenantID, vendorOnly)
	if err != nil {
		return err
	}
	if err := h.insert(r.Context(), n); err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusCreated, n.user, tenantID)
}

// getUser answers a user, confined to the frontegg-tenant-id tenant when sent.
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.scopedUser(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}

// getVendorUser answers a user whatever its tenants.
func (h *Handler) getVendorUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userInTenant(r.Context(), r.PathValue("userId"), "")
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, "")
}

// getUserByEmail answers the user with the ?email= address.
func (h *Handler) getUserByEmail(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.URL.Query().Get("email"))
	if email == "" {
		return iam.Invalid("email is required")
	}
	u, err := h.DB.FindUserByEmail(r.Context(), email)
	if errors.Is(err, iam.ErrNotFound) {
		return errUserNotFound
	}
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, "")
}

// profileRequest is the body of the profile updates; the vendor's update
// also reads vendorMetadata, mfaBypass and externalId.
type profileRequest struct {
	Name              optional[string] `json:"name"`
	PhoneNumber       optional[string] `json:"phoneNumber"`
	ProfilePictureURL optional[string] `json:"profilePictureUrl"`
	Metadata          jsonText         `json:"metadata"`
	VendorMetadata    jsonText         `json:"vendorMetadata"`
	MFABypass         optional[bool]   `json:"mfaBypass"`
	ExternalID        optional[string] `json:"externalId"`
}

// apply checks req and copies the fields it sets onto u; vendor says whether
// the vendor-only fields count.
func (req *profileRequest) apply(u *iam.User, vendor bool) error {
	req.Name.Value = strings.TrimSpace(req.Name.Value)
	if err := checkProfile(req.Name.Value, req.PhoneNumber.Value, req.ProfilePictureURL.Value); err != nil {
		return err
	}
	if req.Metadata.Set {
		if err := req.Metadata.check("metadata"); err != nil {
			return err
		}
	}
	if vendor && req.VendorMetadata.Set {
		if err := req.VendorMetadata.check("vendorMetadata"); err != nil {
			return err
		}
	}
	req.Name.apply(&u.Name)
	req.PhoneNumber.apply(&u.PhoneNumber)
	req.ProfilePictureURL.apply(&u.ProfilePictureURL)
	req.Metadata.apply(&u.Metadata)
	if vendor {
		req.ExternalID.apply(&u.ExternalID)
	}
	return nil
}

// vendorFields returns the vendor-only fields req sets, nil for the others.
func (req *profileRequest) vendorFields() (metadata *string, mfaBypass *bool) {
	if req.VendorMetadata.Set {
		metadata = &req.VendorMetadata.Text
	}
	if req.MFABypass.Set {
		mfaBypass = &req.MFABypass.Value
	}
	return metadata, mfaBypass
}

// updateVendorUser updates a user's profile and vendor fields (PUT users/v1/{userId}).
func (h *Handler) updateVendorUser(w http.ResponseWriter, r *http.Request) error {
	var req profileRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	u, err := h.changeUser(r, r.PathValue("userId"), func(tx *store.Tx, u *iam.User) error {
		if err := req.apply(u, true); err != nil {
			return err
		}
		metadata, bypass := req.vendorFields()
		return tx.SetVendorFields(r.Context(), u.ID, metadata, bypass)
	})
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}

// updateSelf updates the caller's own profile (PUT users/v1 and PUT users/v2/me).
func (h *Handler) updateSelf(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	var req profileRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	u, err := h.updateUser(r.Context(), id, func(_ *store.Tx, u *iam.User) error { return req.apply(u, false) })
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}

// deleteUser removes a user from the scope tenant, or, for the vendor without
// frontegg-tenant-id, deletes the user altogether. Either way the sessions it
// loses access through end.
func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, tenantID := r.PathValue("userId"), scopeTenant(r)
	if _, err := h.userInTenant(ctx, id, tenantID); err != nil {
		return err
	}
	if tenantID != "" {
		return h.removeFromTenant(w, r, id, tenantID)
	}
	ended, err := h.DB.DeleteUser(ctx, id, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return errUserNotFound
	} else if err != nil {
		return err
	}
	for _, sid := range ended {
		h.Revocations.Add(sid)
	}
	return api.NoContent(w)
}

// removeFromTenant takes the user out of tenantID, ends its sessions there and,
// when it was the user's active tenant, makes its oldest other tenant active.
func (h *Handler) removeFromTenant(w http.ResponseWriter, r *http.Request, id, tenantID string) error {
	ctx := r.Context()
	var ended []string
	_, err := h.updateUser(ctx, id, func(tx *store.Tx, u *iam.User) error {
		var err error
		if ended, err = tx.EndUserTenantSessions(ctx, id, tenantID, h.Now()); err != nil {
			return err
		}
		if err := tx.RemoveMembership(ctx, id, tenantID, h.Now()); err != nil {
			return err
		}
		if u.ActiveTenantID != tenantID {
			return nil
		}
		ms, err := tx.FindMemberships(ctx, id)
		u.ActiveTenantID = ""
		if len(ms) > 0 {
			u.ActiveTenantID = ms[0].TenantID
		}
		return err
	})
	if err != nil {
		return err
	}
	h.forget(ended)
	return api.NoContent(w)
}

// checkProfile validates the free-form profile fields.
func checkProfile(name, phone, picture string) error {
	if err := checkLength("name", name, 255); err != nil {
		return err
	}
	if err := checkLength("phoneNumber", phone, 32); err != nil {
		return err
	}
	if err := checkLength("profilePictureUrl", picture, 4096); err != nil {
		return err
	}
	if picture == "" {
		return nil
	}
	// Only web and inline image addresses: anything else in an <img src> is a trap.
	if u, err := url.Parse(picture); err != nil || !(u.Scheme == "https" || u.Scheme == "http" || strings.HasPrefix(picture, "data:image/")) {
		return iam.Invalid("profilePictureUrl must be an http(s) URL")
	}
	return nil
}
