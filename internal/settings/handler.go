package settings

import (
	"time"

	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the settings routes.
type Handler struct {
	DB       *store.DB
	Settings *policy.Settings
	Keys     *token.KeyRing
	Sealer   *secure.Sealer // seals the captcha secret key at rest
	ClientID string         // the environment's client ID: the configuration's and vendor's id
	Now      func() time.Time
}

// set copies *src to *dst when src was sent (is not nil).
func set[T any](dst, src *T) {
	if src != nil {
		*dst = *src
	}
}
