package applications

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// An application's credentials, as Frontegg has them: its client id is its
// id; its client secret authenticates its back end at /oauth/token; its
// shared secret is shown beside it (Hatch checks nothing with it). Frontegg
// shows both again on every GET, so they are sealed under the master key
// rather than hashed. They are made the first time they are asked for.

func clientSecretAAD(appID string) string { return "application-client-secret:" + appID }
func sharedSecretAAD(appID string) string { return "application-shared-secret:" + appID }

// newSecret returns a fresh random secret (256 bits).
func newSecret() string { return secure.RandomToken(32) }

type credentialsJSON struct {
	ClientSecret string `json:"clientSecret"`
	SharedSecret string `json:"sharedSecret"`
}

// open returns the credentials in the clear.
func (h *Handler) open(appID string, s *store.AppSecrets) (*credentialsJSON, error) {
	client, err := h.Sealer.Open(s.Client, clientSecretAAD(appID))
	if err != nil {
		return nil, err
	}
	shared, err := h.Sealer.Open(s.Shared, sharedSecretAAD(appID))
	if err != nil {
		return nil, err
	}
	return &credentialsJSON{ClientSecret: string(client), SharedSecret: string(shared)}, nil
}

// secrets returns the application's credentials in the clear, renewing
// those asked for and making any it has none of yet.
func (h *Handler) secrets(r *http.Request, appID string, renewClient, renewShared bool) (*credentialsJSON, error) {
	fresh := store.AppSecrets{Client: h.Sealer.Seal([]byte(newSecret()), clientSecretAAD(appID)),
		Shared: h.Sealer.Seal([]byte(newSecret()), sharedSecretAAD(appID))}
	s, err := h.DB.SaveAppSecrets(r.Context(), appID, fresh, renewClient, renewShared, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Application not found")
	}
	if err != nil {
		return nil, err
	}
	return h.open(appID, s)
}

// getCredentials answers an application's client and shared secrets.
func (h *Handler) getCredentials(w http.ResponseWriter, r *http.Request) error {
	out, err := h.secrets(r, r.PathValue("appId"), false, false)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

type regenerateRequest struct {
	AppID string `json:"appId"`
}

// regenerateClientSecret replaces an application's client secret: the old
// one stops working at once, also for refreshing tokens issued with it. The
// answer (Hatch's addition: Frontegg documents none) is the credentials, as
// GET …/credentials/{appId} answers them.
func (h *Handler) regenerateClientSecret(w http.ResponseWriter, r *http.Request) error {
	return h.regenerate(w, r, true)
}

// regenerateSharedSecret replaces an application's shared secret.
func (h *Handler) regenerateSharedSecret(w http.ResponseWriter, r *http.Request) error {
	return h.regenerate(w, r, false)
}

func (h *Handler) regenerate(w http.ResponseWriter, r *http.Request, client bool) error {
	var req regenerateRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	appID := strings.TrimSpace(req.AppID)
	if appID == "" {
		return iam.Invalid("appId is required")
	}
	out, err := h.secrets(r, appID, client, !client)
	if err != nil {
		return err
	}
	return api.Created(w, out)
}
