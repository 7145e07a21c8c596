package apitokens

import (
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// accessTokenDataJSON is what @frontegg/client reads of an access token: its
// roles and permissions (keys) as they are now. UserID for personal tokens only.
type accessTokenDataJSON struct {
	ID          string   `json:"id"`
	TenantID    string   `json:"tenantId"`
	UserID      string   `json:"userId,omitempty"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
	Expires     *string  `json:"expires,omitempty"`
}

func (h *Handler) activeTenantAccessTokens(w http.ResponseWriter, r *http.Request) error {
	return h.activeAccessTokens(w, r, iam.TokenTypeTenantAccess)
}

func (h *Handler) activeUserAccessTokens(w http.ResponseWriter, r *http.Request) error {
	return h.activeAccessTokens(w, r, iam.TokenTypeUserAccess)
}

// activeAccessTokens answers the ids of the access tokens of tokenType that
// work now, in the frontegg-tenant-id account or, as @frontegg/client calls
// it (without the header), in every account. The SDK refuses a token whose
// id is not listed.
func (h *Handler) activeAccessTokens(w http.ResponseWriter, r *http.Request, tokenType string) error {
	ctx := r.Context()
	if _, err := h.enabled(ctx); err != nil {
		return err
	}
	ids, err := h.DB.FindActiveAPITokenIDs(ctx, tokenType, api.PrincipalFrom(ctx).TenantID, h.Now())
	if err != nil {
		return err
	}
	return api.OK(w, ids)
}

func (h *Handler) tenantAccessTokenData(w http.ResponseWriter, r *http.Request) error {
	return h.accessTokenData(w, r, iam.TokenTypeTenantAccess)
}

func (h *Handler) userAccessTokenData(w http.ResponseWriter, r *http.Request) error {
	return h.accessTokenData(w, r, iam.TokenTypeUserAccess)
}

// accessTokenData answers the roles and permissions of a working access
// token of tokenType (in the frontegg-tenant-id account, when sent), and 404
// for any other.
func (h *Handler) accessTokenData(w http.ResponseWriter, r *http.Request, tokenType string) error {
	ctx := r.Context()
	if _, err := h.enabled(ctx); err != nil {
		return err
	}
	t, err := h.DB.FindActiveAPIToken(ctx, r.PathValue("id"), h.Now())
	switch tenantID := api.PrincipalFrom(ctx).TenantID; {
	case errors.Is(err, iam.ErrNotFound), err == nil && (t.Type != tokenType || tenantID != "" && t.TenantID != tenantID):
		return iam.NotFound("Access token not found")
	case err != nil:
		return err
	}
	roles, permissions, err := h.grants(ctx, t)
	if err != nil {
		return err
	}
	return api.OK(w, accessTokenDataJSON{ID: t.ID, TenantID: t.TenantID, UserID: t.UserID, Roles: roles,
		Permissions: permissions, Expires: expiresJSON(t.ExpiresAt)})
}
