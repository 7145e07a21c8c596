package users

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// temporaryConfigName is the environment settings document of temporary users.
const temporaryConfigName = "temporary-users"

// temporaryConfig says whether users may be made temporary (expire at a set time).
type temporaryConfig struct {
	Enabled bool `json:"enabled"`
}

// maxExpirationSeconds bounds a temporary user's lifetime (ten years).
const maxExpirationSeconds = 10 * 365 * 24 * 3600

func (h *Handler) temporaryConfig(ctx context.Context) (temporaryConfig, error) {
	var c temporaryConfig
	if err := h.DB.FindSetting(ctx, "", temporaryConfigName, &c); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return c, err
	}
	return c, nil
}

// temporaryUntil checks a requested lifetime and returns when the user expires.
func (h *Handler) temporaryUntil(ctx context.Context, seconds int64) (*time.Time, error) {
	if seconds <= 0 || seconds > maxExpirationSeconds {
		return nil, iam.Invalid("expirationInSeconds must be between 1 and %d", maxExpirationSeconds)
	}
	c, err := h.temporaryConfig(ctx)
	if err != nil {
		return nil, err
	}
	if !c.Enabled {
		return nil, iam.Invalid("Temporary users are not enabled")
	}
	until := h.Now().Add(time.Duration(seconds) * time.Second).UTC()
	return &until, nil
}

// getTemporaryConfig answers whether temporary users are enabled.
func (h *Handler) getTemporaryConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := h.temporaryConfig(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// putTemporaryConfig enables or disables temporary users.
func (h *Handler) putTemporaryConfig(w http.ResponseWriter, r *http.Request) error {
	enabled, err := decodeFlag(r, "enabled")
	if err != nil {
		return err
	}
	c := temporaryConfig{Enabled: enabled}
	if err := h.DB.SaveSetting(r.Context(), "", temporaryConfigName, c, h.Now()); err != nil {
		return err
	}
	return api.OK(w, c)
}

type temporaryRequest struct {
	ExpirationInSeconds *int64 `json:"expirationInSeconds"`
}

// setTemporary makes a user expire expirationInSeconds from now.
func (h *Handler) setTemporary(w http.ResponseWriter, r *http.Request) error {
	var req temporaryRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.ExpirationInSeconds == nil {
		return iam.Invalid("expirationInSeconds is required")
	}
	until, err := h.temporaryUntil(r.Context(), *req.ExpirationInSeconds)
	if err != nil {
		return err
	}
	if err := h.setExpiry(r, until); err != nil {
		return err
	}
	return api.Created(w, req)
}

// setPermanent makes a temporary user permanent.
func (h *Handler) setPermanent(w http.ResponseWriter, r *http.Request) error {
	if err := h.setExpiry(r, nil); err != nil {
		return err
	}
	return api.NoContent(w)
}

// setExpiry sets when the path's user expires. A user's expiry holds in every
// tenant it belongs to, so only the vendor may change it for a user that
// belongs to tenants besides the caller's.
func (h *Handler) setExpiry(r *http.Request, until *time.Time) error {
	p := api.PrincipalFrom(r.Context())
	_, err := h.changeUser(r, r.PathValue("userId"), func(tx *store.Tx, u *iam.User) error {
		if !p.IsVendor() {
			ms, err := tx.FindMemberships(r.Context(), u.ID)
			if err != nil {
				return err
			}
			if len(ms) != 1 {
				return iam.Forbidden("The user belongs to other accounts too: only the vendor may change its expiry")
			}
		}
		u.TemporaryExpires = until
		return nil
	})
	return err
}
