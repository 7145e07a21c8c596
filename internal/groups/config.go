package groups

import (
	"context"
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// configName is the settings document of the groups configuration, saved
// for the environment (tenant "") and overridden per account.
const configName = "groups-config"

// configJSON is the groups configuration: whether accounts may create groups
// and give groups roles. Both are on until changed.
type configJSON struct {
	Enabled      bool `json:"enabled"`
	RolesEnabled bool `json:"rolesEnabled"`
}

// config returns the account's configuration, else the environment's, else
// the default.
func (h *Handler) config(ctx context.Context, tenantID string) (configJSON, error) {
	for _, owner := range []string{tenantID, ""} {
		var c configJSON
		err := h.DB.FindSetting(ctx, owner, configName, &c)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, iam.ErrNotFound) {
			return c, err
		}
		if owner == "" {
			break
		}
	}
	return configJSON{Enabled: true, RolesEnabled: true}, nil
}

func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return err
	}
	c, err := h.config(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

type configInput struct {
	Enabled      *bool `json:"enabled"`
	RolesEnabled *bool `json:"rolesEnabled"`
}

// saveConfig changes the request's account's configuration, or the
// environment's for a vendor without frontegg-tenant-id.
func (h *Handler) saveConfig(w http.ResponseWriter, r *http.Request) error {
	var in configInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	tenantID, err := h.Scope.OptionalTenant(r)
	if err != nil {
		return err
	}
	c, err := h.config(ctx, tenantID)
	if err != nil {
		return err
	}
	if in.Enabled != nil {
		c.Enabled = *in.Enabled
	}
	if in.RolesEnabled != nil {
		c.RolesEnabled = *in.RolesEnabled
	}
	if err := h.DB.SaveSetting(ctx, tenantID, configName, c, h.Now()); err != nil {
		return err
	}
	return api.Created(w, c)
}
