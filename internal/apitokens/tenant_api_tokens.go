package apitokens

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// tenantAPITokenJSON is an account client-credential token as the API shows
// it; Secret only in the answer to its creation.
type tenantAPITokenJSON struct {
	ClientID        string          `json:"clientId"`
	Description     string          `json:"description"`
	TenantID        string          `json:"tenantId"`
	Secret          string          `json:"secret,omitempty"`
	CreatedByUserID *string         `json:"createdByUserId"`
	Metadata        json.RawMessage `json:"metadata"`
	CreatedAt       string          `json:"createdAt"`
	PermissionIDs   []string        `json:"permissionIds"`
	RoleIDs         []string        `json:"roleIds"`
	Expires         *string         `json:"expires"`
}

func tenantAPITokenOut(t *iam.APIToken, secret string) tenantAPITokenJSON {
	return tenantAPITokenJSON{
		ClientID: t.ID, Description: t.Description, TenantID: t.TenantID, Secret: secret,
		CreatedByUserID: nullable(t.CreatedByUserID), Metadata: json.RawMessage(t.Metadata), CreatedAt: timeJSON(t.CreatedAt),
		PermissionIDs: nonNil(t.PermissionIDs), RoleIDs: nonNil(t.RoleIDs), Expires: expiresJSON(t.ExpiresAt),
	}
}

// newClientCredentials returns a client ID and a 256-bit secret, with the
// secret's keyed hash to store.
func (h *Handler) newClientCredentials() (clientID, secret, hash string) {
	secret = secure.RandomToken(32)
	return uuid.NewString(), secret, secure.KeyedHash(h.SecretKey, secret)
}

// createTenantAPIToken makes an account client-credential token (v1 and v2
// alike) that grants roleIds or permissionIds, none the caller does not hold.
func (h *Handler) createTenantAPIToken(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	return h.createClientCredentials(w, r, s, iam.TokenTypeTenantAPI, func(t *iam.APIToken, secret string) any {
		return tenantAPITokenOut(t, secret)
	})
}

// createClientCredentials makes a client-credential token of tokenType in s
// and answers with out(token, secret): the only time the secret is shown.
func (h *Handler) createClientCredentials(w http.ResponseWriter, r *http.Request, s scope, tokenType string, out func(*iam.APIToken, string) any) error {
	t, err := h.newToken(r, s, tokenType)
	if err != nil {
		return err
	}
	var secret string
	t.ID, secret, t.SecretHash = h.newClientCredentials()
	if err := h.createToken(r.Context(), t); err != nil {
		return storeError(err)
	}
	return api.Created(w, out(t, secret))
}

// newToken builds a token of tokenType from the create request in r's body:
// description, metadata, expiry and, for account tokens, the checked grants
// (access tokens grant roles only). Personal tokens ignore grants: they carry
// their user's roles. It answers errDisabled when API tokens are off.
func (h *Handler) newToken(r *http.Request, s scope, tokenType string) (*iam.APIToken, error) {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	if _, err := h.enabled(r.Context()); err != nil {
		return nil, err
	}
	now := h.Now()
	t := &iam.APIToken{Type: tokenType, TenantID: s.tenantID, CreatedByUserID: s.userID, CreatedAt: now, UpdatedAt: now}
	if t.Personal() {
		t.UserID = s.userID
	}
	if req.Description != nil {
		t.Description = *req.Description
	}
	var err error
	if t.Metadata, err = req.metadata(); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = req.expiry(now); err != nil {
		return nil, err
	}
	if t.Personal() {
		return t, nil
	}
	if tokenType == iam.TokenTypeTenantAccess {
		req.PermissionIDs = nil
	}
	if t.RoleIDs, t.PermissionIDs, err = req.grants(); err != nil {
		return nil, err
	}
	if err := h.checkGrantable(r.Context(), s.caller, t.RoleIDs, t.PermissionIDs); err != nil {
		return nil, err
	}
	return t, nil
}

// listTenantAPITokens lists the account's client-credential tokens, without secrets.
func (h *Handler) listTenantAPITokens(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	list, err := h.DB.FindAPITokens(r.Context(), store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeTenantAPI})
	if err != nil {
		return err
	}
	out := make([]tenantAPITokenJSON, len(list))
	for i, t := range list {
		out[i] = tenantAPITokenOut(t, "")
	}
	return api.OK(w, out)
}

// updateTenantAPIToken changes the description, metadata, roles or permissions
// of an account client-credential token; fields not sent are kept. Sending
// roles replaces permissions and the other way round. The new grants apply
// from the token's next authentication or refresh.
func (h *Handler) updateTenantAPIToken(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.ExpiresInMinutes != nil {
		return iam.Invalid("expiresInMinutes cannot be changed")
	}
	ctx := r.Context()
	f := store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeTenantAPI}
	t, err := h.DB.FindAPIToken(ctx, f, r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("API token not found")
	}
	if err != nil {
		return err
	}
	if req.Description != nil {
		t.Description = *req.Description
	}
	if req.Metadata != nil {
		if t.Metadata, err = req.metadata(); err != nil {
			return err
		}
	}
	roleIDs, permissionIDs, err := req.grants()
	if err != nil {
		return err
	}
	switch {
	case req.RoleIDs != nil && len(roleIDs) > 0:
		t.RoleIDs, t.PermissionIDs = roleIDs, nil
	case req.PermissionIDs != nil && len(permissionIDs) > 0:
		t.RoleIDs, t.PermissionIDs = nil, permissionIDs
	default:
		if req.RoleIDs != nil {
			t.RoleIDs = nil
		}
		if req.PermissionIDs != nil {
			t.PermissionIDs = nil
		}
	}
	if err := h.checkGrantable(ctx, s.caller, t.RoleIDs, t.PermissionIDs); err != nil {
		return err
	}
	t.UpdatedAt = h.Now()
	switch err := h.DB.UpdateAPIToken(ctx, t); {
	case errors.Is(err, store.ErrUnknownRole), errors.Is(err, store.ErrUnknownPermission):
		return storeError(err)
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("API token not found") // deleted meanwhile
	case err != nil:
		return err
	}
	return api.OK(w, tenantAPITokenOut(t, ""))
}

// deleteTenantAPIToken deletes an account client-credential token: it stops
// authenticating and refreshing at once, and its access JWTs are refused by
// every node within a revocation poll (by this one at once).
func (h *Handler) deleteTenantAPIToken(w http.ResponseWriter, r *http.Request) error {
	s, err := accountScope(r)
	if err != nil {
		return err
	}
	return h.delete(w, r, store.APITokenFilter{TenantID: s.tenantID, Type: iam.TokenTypeTenantAPI}, "API token not found")
}

// delete deletes the path's token if it matches f, answering notFound when
// it does not, and records the deletion in the same transaction.
func (h *Handler) delete(w http.ResponseWriter, r *http.Request, f store.APITokenFilter, notFound string) error {
	ctx, id := r.Context(), r.PathValue("id")
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteAPIToken(ctx, f, id, h.Now()); err != nil {
			return err
		}
		return h.Audit.RecordTx(ctx, tx, audit.Event{TenantID: f.TenantID, UserID: f.UserID, Action: audit.ActionTokenDeleted,
			Resource: "API tokens", Severity: audit.Medium, Data: map[string]any{"id": id, "type": f.Type}})
	})
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("%s", notFound)
	}
	if err != nil {
		return err
	}
	h.Revocations.AddAPIToken(id)
	return api.NoContent(w)
}
