package apitokens

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// accessTokenJSON is an access token as the API shows it. Secret, the JWT
// itself, only in the answer to its creation: Hatch does not keep it.
type accessTokenJSON struct {
	ID          string  `json:"id"`
	Description string  `json:"description"`
	CreatedAt   string  `json:"createdAt"`
	Secret      string  `json:"secret,omitempty"`
	Expires     *string `json:"expires"`
}

// tenantAccessTokenJSON is an account access token as the API shows it.
type tenantAccessTokenJSON struct {
	accessTokenJSON
	RoleIDs         []string `json:"roleIds"`
	CreatedByUserID *string  `json:"createdByUserId"`
}

// accessTokenOut renders t as a tenantAccessTokenJSON or, for a personal token, an accessTokenJSON.
func accessTokenOut(t *iam.APIToken, secret string) any {
	out := accessTokenJSON{ID: t.ID, Description: t.Description, CreatedAt: timeJSON(t.CreatedAt), Secret: secret, Expires: expiresJSON(t.ExpiresAt)}
	if t.Personal() {
		return out
	}
	return tenantAccessTokenJSON{accessTokenJSON: out, RoleIDs: nonNil(t.RoleIDs), CreatedByUserID: nullable(t.CreatedByUserID)}
}

type accessTokenList struct {
	AccessTokens []any `json:"accessTokens"`
}

// createTenantAccessToken makes an account access token granting roleIds.
func (h *Handler) createTenantAccessToken(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	return h.createAccessToken(w, r, s, iam.TokenTypeTenantAccess)
}

// createUserAccessToken makes a personal access token, acting as the user.
func (h *Handler) createUserAccessToken(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	return h.createAccessToken(w, r, s, iam.TokenTypeUserAccess)
}

// createAccessToken stores an access token and answers with its JWT, which
// carries sub (the token's id), tenantId and, for personal tokens, userId;
// it expires with the token, or never.
func (h *Handler) createAccessToken(w http.ResponseWriter, r *http.Request, s scope, tokenType string) error {
	t, err := h.newToken(r, s, tokenType)
	if err != nil {
		return err
	}
	t.ID = uuid.NewString()
	c := &token.AccessTokenClaims{Subject: t.ID, Type: t.Type, TenantID: t.TenantID, UserID: t.UserID, CreatedByUserID: t.CreatedByUserID}
	if t.Personal() {
		c.CreatedByUserID = ""
	}
	secret, err := h.Issuer.SignAccessToken(c, t.ExpiresAt)
	if err != nil {
		return err
	}
	if err := h.createToken(r.Context(), t); err != nil {
		return storeError(err)
	}
	return api.Created(w, accessTokenOut(t, secret))
}

// listTenantAccessTokens lists the account's access tokens.
func (h *Handler) listTenantAccessTokens(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	return h.listAccessTokens(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeTenantAccess})
}

// listUserAccessTokens lists the user's personal access tokens in the account.
func (h *Handler) listUserAccessTokens(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	return h.listAccessTokens(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeUserAccess, UserID: s.userID})
}

func (h *Handler) listAccessTokens(w http.ResponseWriter, r *http.Request, f store.APITokenFilter) error {
	list, err := h.DB.FindAPITokens(r.Context(), f)
	if err != nil {
		return err
	}
	out := accessTokenList{AccessTokens: make([]any, len(list))}
	for i, t := range list {
		out.AccessTokens[i] = accessTokenOut(t, "")
	}
	return api.OK(w, out)
}

// deleteTenantAccessToken deletes an account access token; it leaves the
// active list at once, which is what @frontegg/client checks.
func (h *Handler) deleteTenantAccessToken(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	return h.delete(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeTenantAccess}, "Access token not found")
}

// deleteUserAccessToken deletes one of the user's personal access tokens.
func (h *Handler) deleteUserAccessToken(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	return h.delete(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeUserAccess, UserID: s.userID}, "Access token not found")
}
