package apitokens

import (
	"encoding/json"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// userAPITokenJSON is a personal client-credential token as the API shows it;
// Secret only in the answer to its creation.
type userAPITokenJSON struct {
	ClientID    string          `json:"clientId"`
	Description string          `json:"description"`
	Metadata    json.RawMessage `json:"metadata"`
	CreatedAt   string          `json:"createdAt"`
	Secret      string          `json:"secret,omitempty"`
	Expires     *string         `json:"expires"`
}

func userAPITokenOut(t *iam.APIToken, secret string) userAPITokenJSON {
	return userAPITokenJSON{ClientID: t.ID, Description: t.Description, Metadata: json.RawMessage(t.Metadata),
		CreatedAt: timeJSON(t.CreatedAt), Secret: secret, Expires: expiresJSON(t.ExpiresAt)}
}

// createUserAPIToken makes a personal client-credential token: it acts as the
// caller (or, for the vendor, the frontegg-user-id user) in the account, with
// the roles that user holds there whenever it is used.
func (h *Handler) createUserAPIToken(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	return h.createClientCredentials(w, r, s, iam.TokenTypeUserAPI, func(t *iam.APIToken, secret string) any {
		return userAPITokenOut(t, secret)
	})
}

// listUserAPITokens lists the user's personal client-credential tokens in the account.
func (h *Handler) listUserAPITokens(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	list, err := h.DB.FindAPITokens(r.Context(), store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeUserAPI, UserID: s.userID})
	if err != nil {
		return err
	}
	out := make([]userAPITokenJSON, len(list))
	for i, t := range list {
		out[i] = userAPITokenOut(t, "")
	}
	return api.OK(w, out)
}

// deleteUserAPIToken deletes one of the user's personal client-credential tokens.
func (h *Handler) deleteUserAPIToken(w http.ResponseWriter, r *http.Request) error {
	s, err := userScope(r)
	if err != nil {
		return err
	}
	return h.delete(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeUserAPI, UserID: s.userID}, "API token not found")
}
