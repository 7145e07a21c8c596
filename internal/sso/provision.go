package sso

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/store"
)

// identity is who an IdP says logged in.
type identity struct {
	Email    string
	Name     string
	Groups   []string
	Provider string // saml or oidc: the user's provider when created here
}

// ssoMethod is the amr value of every SSO login.
const ssoMethod = "sso"

// signIn finishes an SSO login through configuration c: the user is created
// or updated just in time in c's account, then the login completes through
// login.Service (checks, second factor, session, tokens) in that account.
func (h *Handler) signIn(r *http.Request, c *store.SSOConfiguration, id identity) (*login.Result, error) {
	ctx := r.Context()
	u, err := h.provision(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return h.Login.Complete(ctx, &login.Attempt{User: u, Methods: []string{ssoMethod}, TenantID: c.TenantID,
		IP: api.ClientIP(ctx), UserAgent: r.UserAgent()})
}

// provision returns the user id names, made a member of c's account with the
// roles c maps its groups to (and c's default roles). A new user is created
// verified: the IdP vouches for the address, in a domain the account proved
// it owns; an existing unverified one becomes verified and loses the password
// and sessions it had (store.VerifyByIdentityProvider). Roles are only ever
// added here, never taken away, so roles given by hand survive the next login.
//
// The email's domain must be one c holds validated (or, when the domain
// policy bypasses cross-validation, one c claims and nobody proved; see
// speaksFor): an account's IdP speaks only for its own domains, never for
// addresses of other accounts.
func (h *Handler) provision(ctx context.Context, c *store.SSOConfiguration, id identity) (*iam.User, error) {
	email := strings.TrimSpace(id.Email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, iam.Unauthorized("The identity provider did not assert a valid email address")
	}
	_, domain, _ := strings.Cut(strings.ToLower(email), "@")
	held, err := h.speaksFor(ctx, c, domain)
	if err != nil {
		return nil, err
	}
	if !held {
		return nil, iam.Forbidden("The email domain %s is not validated for this SSO configuration", domain)
	}
	// The one place the account's email-domain restrictions apply to SSO logins.
	if h.Domains != nil {
		if err := h.Domains.Allowed(ctx, c.TenantID, email); err != nil {
			return nil, err
		}
	}
	roles := mappedRoles(c, id.Groups)
	var u *iam.User
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		now := h.Now()
		ownerID, err := tx.FindEmailOwner(ctx, email)
		if errors.Is(err, iam.ErrNotFound) {
			if len(roles) == 0 {
				if roles, err = tx.DefaultRoleIDs(ctx, c.TenantID); err != nil {
					return err
				}
			}
			name := id.Name
			if name == "" {
				name, _, _ = strings.Cut(email, "@")
			}
			u = &iam.User{ID: uuid.NewString(), Email: email, Name: name, Verified: true, Metadata: "{}",
				Provider: id.Provider, ActiveTenantID: c.TenantID, CreatedAt: now, UpdatedAt: now}
			return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: c.TenantID, RoleIDs: roles})
		}
		if err != nil {
			return err
		}
		if u, err = tx.FindUser(ctx, ownerID); err != nil {
			return err
		}
		ms, err := tx.FindMemberships(ctx, u.ID)
		if err != nil {
			return err
		}
		member := false
		for _, m := range ms {
			member = member || m.TenantID == c.TenantID
		}
		if member {
			err = tx.AddUserRoles(ctx, u.ID, c.TenantID, roles, now)
		} else {
			if len(roles) == 0 {
				if roles, err = tx.DefaultRoleIDs(ctx, c.TenantID); err != nil {
					return err
				}
			}
			err = tx.AddMembership(ctx, iam.Membership{UserID: u.ID, TenantID: c.TenantID, ActivatedForTenant: true, CreatedAt: now}, roles)
		}
		if err != nil {
			return err
		}
		if _, err := tx.VerifyByIdentityProvider(ctx, u, now); err != nil {
			return err
		}
		if u.Name == "" {
			u.Name = id.Name
		}
		if c.OverrideActiveTenant {
			u.ActiveTenantID = c.TenantID
		}
		u.UpdatedAt = now
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// writeLogin answers a finished login: the login response as JSON with the
// refresh cookie, or for a browser form post, the cookie and a redirect to returnTo.
func (h *Handler) writeLogin(w http.ResponseWriter, r *http.Request, res *login.Result, returnTo string) error {
	if res.RefreshToken != "" {
		core, err := h.Settings.Core(r.Context())
		if err != nil {
			return err
		}
		h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	}
	if returnTo != "" && res.RefreshToken != "" {
		http.Redirect(w, r, returnTo, http.StatusSeeOther)
		return nil
	}
	return api.OK(w, res.Response)
}
