package apitokens

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

type authRequest struct {
	ClientID string `json:"clientId"`
	Secret   string `json:"secret"`
}

type refreshRequest struct {
	RefreshToken string `json:"refreshToken"`
}

// authResponse is the answer of both client-credential routes.
type authResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"` // seconds
	Expires      string `json:"expires"`
}

// Every failure of the two routes is one of these, whatever the reason, so a
// caller learns nothing about which tokens exist.
var (
	errBadCredentials = iam.Unauthorized("Invalid client id or secret")
	errBadRefresh     = iam.Unauthorized("Invalid refresh token")
)

// authenticate exchanges a client ID and secret for an access JWT and the
// first refresh token of a new family. Cost: one indexed read of the token
// with its grants and what keeps it working, one keyed hash, one RS256
// signature and one write (a single statement on PostgreSQL, a short
// transaction on SQLite).
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) error {
	var req authRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.ClientID == "":
		return iam.Invalid("clientId is required")
	case req.Secret == "":
		return iam.Invalid("secret is required")
	}
	ctx := r.Context()
	core, err := h.enabled(ctx)
	if err != nil {
		return err
	}
	now := h.Now()
	hash := secure.KeyedHash(h.SecretKey, req.Secret)
	t, err := h.DB.FindActiveAPIToken(ctx, req.ClientID, now)
	if errors.Is(err, iam.ErrNotFound) {
		return errBadCredentials
	}
	if err != nil {
		return err
	}
	// Access tokens have no secret (SecretHash ""), so they never match.
	if t.SecretHash == "" || !secure.Equal(hash, t.SecretHash) {
		return errBadCredentials
	}
	refresh, refreshHash := token.NewRefreshToken()
	family := store.APITokenRefresh{TokenID: t.ID, FamilyID: uuid.NewString(), Hash: refreshHash, CreatedAt: now,
		ExpiresAt: now.Add(time.Duration(core.DefaultRefreshTokenExpiration) * time.Second)}
	res, err := h.issue(ctx, t, family.FamilyID, refresh, core, now)
	if err != nil {
		return err
	}
	if err := h.DB.StartAPITokenFamily(ctx, family, MaxLiveRefreshTokens); errors.Is(err, iam.ErrNotFound) {
		return errBadCredentials // deleted meanwhile
	} else if err != nil {
		return err
	}
	return api.OK(w, res)
}

// refresh rotates a refresh token and issues a new access JWT in its family.
// The token is spent before its API token is checked: when that no longer
// works the refresh is refused all the same, and a client whose token is
// reinstated authenticates again with its credentials.
func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) error {
	var req refreshRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		return iam.Invalid("refreshToken is required")
	}
	ctx := r.Context()
	core, err := h.enabled(ctx)
	if err != nil {
		return err
	}
	now := h.Now()
	next, nextHash := token.NewRefreshToken()
	tokenID, familyID, err := h.DB.RotateAPITokenRefresh(ctx, secure.HashToken(req.RefreshToken), nextHash, now,
		now.Add(time.Duration(core.DefaultRefreshTokenExpiration)*time.Second))
	switch {
	case errors.Is(err, store.ErrRefreshReused):
		h.Revocations.AddAPIToken(familyID)
		return errBadRefresh
	case errors.Is(err, iam.ErrNotFound):
		return errBadRefresh
	case err != nil:
		return err
	}
	t, err := h.DB.FindActiveAPIToken(ctx, tokenID, now)
	if errors.Is(err, iam.ErrNotFound) {
		return errBadRefresh
	}
	if err != nil {
		return err
	}
	res, err := h.issue(ctx, t, familyID, next, core, now)
	if err != nil {
		return err
	}
	return api.OK(w, res)
}

// issue signs the access JWT of a client-credential token, with the roles and
// permissions it grants now, and builds the response. The JWT lives the
// environment's access-token lifetime, never past the API token's expiry.
func (h *Handler) issue(ctx context.Context, t *store.ActiveAPIToken, familyID, refresh string, core policy.Core, now time.Time) (*authResponse, error) {
	roles, permissions, err := h.grants(ctx, t)
	if err != nil {
		return nil, err
	}
	ttl := time.Duration(core.DefaultTokenExpiration) * time.Second
	if t.ExpiresAt != nil && t.ExpiresAt.Sub(now) < ttl {
		ttl = t.ExpiresAt.Sub(now)
	}
	access, exp, err := h.Issuer.Sign(apiTokenClaims(t, familyID, roles, permissions), ttl)
	if err != nil {
		return nil, err
	}
	return &authResponse{AccessToken: access, RefreshToken: refresh, ExpiresIn: int(ttl / time.Second),
		Expires: exp.UTC().Format(http.TimeFormat)}, nil
}

// apiTokenClaims builds the claims @frontegg/client reads from a
// tenantApiToken or userApiToken: sub (the clientId), tenantId, roles,
// permissions, createdByUserId and metadata; for personal tokens also userId,
// email and userMetadata (createdByUserId is then the user, whom the SDK takes
// as the caller). sid is the refresh family.
func apiTokenClaims(t *store.ActiveAPIToken, familyID string, roles, permissions []string) *token.Claims {
	c := &token.Claims{
		Subject:         t.ID,
		Type:            t.Type,
		TenantID:        t.TenantID,
		Roles:           roles,
		Permissions:     permissions,
		Metadata:        json.RawMessage(t.Metadata),
		SessionID:       familyID,
		CreatedByUserID: t.CreatedByUserID,
	}
	if t.Personal() {
		c.UserID, c.CreatedByUserID, c.Email = t.UserID, t.UserID, t.UserEmail
		if json.Valid([]byte(t.UserMetadata)) {
			c.UserMetadata = json.RawMessage(t.UserMetadata)
		}
	}
	return c
}
