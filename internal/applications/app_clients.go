package applications

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// Application clients are more OAuth clients of one application (Frontegg
// has them for agents): each has its own client id (its id), its own secret
// and its own redirect URLs, and signs users in to its application under the
// application's access rules. Frontegg answers the secret on every read, so
// it is sealed at rest.

func appClientSecretAAD(id string) string { return "application-client:" + id }

// appClientTypes are the client types Frontegg documents.
func appClientTypes() []string { return []string{"Agent"} }

// maxMetadataBytes bounds an application client's external metadata.
const maxMetadataBytes = 8 << 10

type appClientJSON struct {
	ID               string          `json:"id"`
	AppID            string          `json:"appId"`
	ClientName       string          `json:"clientName"`
	ClientSecret     string          `json:"clientSecret"`
	ClientType       string          `json:"clientType"`
	RedirectURLs     []string        `json:"redirectURLs"`
	ExternalMetadata json.RawMessage `json:"externalMetadata"` // an object, or null
	CreatedAt        time.Time       `json:"createdAt"`
	UpdatedAt        time.Time       `json:"updatedAt"`
}

func (h *Handler) appClient(c *store.AppClient) (*appClientJSON, error) {
	secret, err := h.Sealer.Open(c.Secret, appClientSecretAAD(c.ID))
	if err != nil {
		return nil, err
	}
	meta := json.RawMessage("null")
	if c.ExternalMetadata != "" {
		meta = json.RawMessage(c.ExternalMetadata)
	}
	return &appClientJSON{ID: c.ID, AppID: c.AppID, ClientName: c.Name, ClientSecret: string(secret), ClientType: c.Type,
		RedirectURLs: orEmpty(c.RedirectURLs), ExternalMetadata: meta, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}, nil
}

// answerAppClient writes c with status.
func (h *Handler) answerAppClient(w http.ResponseWriter, status int, c *store.AppClient) error {
	out, err := h.appClient(c)
	if err != nil {
		return err
	}
	return api.JSON(w, status, out)
}

type appClientInput struct {
	AppID            *string         `json:"appId"` // Hatch's addition: Frontegg's request names no application
	ClientName       *string         `json:"clientName"`
	ClientType       *string         `json:"clientType"`
	RedirectURLs     *[]string       `json:"redirectURLs"`
	ExternalMetadata json.RawMessage `json:"externalMetadata"`
}

// apply copies the changeable fields that are set onto c, checking each.
// externalMetadata null removes the metadata.
func (in *appClientInput) apply(c *store.AppClient) error {
	if in.ClientName != nil {
		name := strings.TrimSpace(*in.ClientName)
		if name == "" {
			return iam.Invalid("clientName must not be empty")
		}
		if utf8.RuneCountInString(name) > 255 {
			return iam.Invalid("clientName must be at most 255 characters")
		}
		c.Name = name
	}
	if in.RedirectURLs != nil {
		if err := policy.CheckRedirectURIs("redirectURLs", *in.RedirectURLs); err != nil {
			return err
		}
		c.RedirectURLs = *in.RedirectURLs
	}
	switch {
	case len(in.ExternalMetadata) == 0:
	case string(in.ExternalMetadata) == "null":
		c.ExternalMetadata = ""
	default:
		meta, err := externalMetadata(in.ExternalMetadata)
		if err != nil {
			return err
		}
		c.ExternalMetadata = meta
	}
	return nil
}

// externalMetadata checks raw is an object whose values are strings, numbers
// or booleans, as Frontegg documents, and returns it compacted.
func externalMetadata(raw json.RawMessage) (string, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return "", iam.Invalid("externalMetadata must be an object")
	}
	for k, v := range obj {
		switch v.(type) {
		case string, float64, bool:
		default:
			return "", iam.Invalid("externalMetadata.%s must be a string, a number or a boolean", k)
		}
	}
	out, _ := json.Marshal(obj)
	if len(out) > maxMetadataBytes {
		return "", iam.Invalid("externalMetadata must be at most %d bytes", maxMetadataBytes)
	}
	return string(out), nil
}

// createAppClient adds a client to an application, named by appId in the
// body or by the frontegg-requested-application-id header.
func (h *Handler) createAppClient(w http.ResponseWriter, r *http.Request) error {
	var in appClientInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	appID := api.RequestedApplicationID(r.Context())
	if in.AppID != nil {
		appID = strings.TrimSpace(*in.AppID)
	}
	switch {
	case appID == "":
		return iam.Invalid("appId is required")
	case in.ClientName == nil:
		return iam.Invalid("clientName is required")
	case in.ClientType == nil:
		return iam.Invalid("clientType is required")
	}
	if err := oneOf("clientType", *in.ClientType, appClientTypes()); err != nil {
		return err
	}
	now := h.Now()
	c := &store.AppClient{ID: uuid.NewString(), AppID: appID, Type: *in.ClientType, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(c); err != nil {
		return err
	}
	c.Secret = h.Sealer.Seal([]byte(newSecret()), appClientSecretAAD(c.ID))
	err := h.DB.CreateAppClient(r.Context(), c)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application not found")
	}
	if err != nil {
		return err
	}
	return h.answerAppClient(w, http.StatusCreated, c)
}

// listAppClients answers an application's clients, oldest first.
func (h *Handler) listAppClients(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.DB.FindAppClients(r.Context(), r.PathValue("appId"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application not found")
	}
	if err != nil {
		return err
	}
	out := make([]*appClientJSON, 0, len(cs))
	for _, c := range cs {
		j, err := h.appClient(c)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	return api.OK(w, out)
}

// findAppClient returns the application client the path names, or a 404.
func (h *Handler) findAppClient(r *http.Request) (*store.AppClient, error) {
	c, err := h.DB.FindAppClient(r.Context(), r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Application client not found")
	}
	return c, err
}

func (h *Handler) getAppClient(w http.ResponseWriter, r *http.Request) error {
	c, err := h.findAppClient(r)
	if err != nil {
		return err
	}
	return h.answerAppClient(w, http.StatusOK, c)
}

// updateAppClient changes a client's name, redirect URLs or external
// metadata; each field sent replaces the stored one. Its application and
// type do not change.
func (h *Handler) updateAppClient(w http.ResponseWriter, r *http.Request) error {
	var in appClientInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	c, err := h.findAppClient(r)
	if err != nil {
		return err
	}
	if err := in.apply(c); err != nil {
		return err
	}
	c.UpdatedAt = h.Now()
	if err := h.DB.UpdateAppClient(r.Context(), c); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application client not found")
	} else if err != nil {
		return err
	}
	return h.answerAppClient(w, http.StatusOK, c)
}

// deleteAppClient removes a client: its unredeemed codes stop working at
// once, and its refresh tokens can no longer be used at /oauth/token.
func (h *Handler) deleteAppClient(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeleteAppClient(r.Context(), r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application client not found")
	}
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusNoContent, nil)
}
