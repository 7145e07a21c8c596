package delegation

import (
	"context"
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// configName is the environment's settings document of delegation.
const configName = "delegation"

// configJSON is the delegation setting: whether users may act for other
// users (impersonation by users holding fe.secure.write.delegation). Off
// until the vendor turns it on.
type configJSON struct {
	Enabled bool `json:"enabled"`
}

func (h *Handler) config(ctx context.Context) (configJSON, error) {
	var c configJSON
	if err := h.DB.FindSetting(ctx, "", configName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return c, err
	}
	return c, nil
}

func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

type configInput struct {
	Enabled *bool `json:"enabled"`
}

func (h *Handler) saveConfig(w http.ResponseWriter, r *http.Request) error {
	var in configInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.Enabled == nil {
		return iam.Invalid("enabled is required")
	}
	c := configJSON{Enabled: *in.Enabled}
	if err := h.DB.SaveSetting(r.Context(), "", configName, c, h.Now()); err != nil {
		return err
	}
	return api.OK(w, c)
}
