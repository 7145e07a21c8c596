package settings

import (
	"time"

	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the settings routes.
type Handler struct {
	DB       *store.DB
	Settings *policy.Settings
	Keys     *token.KeyRing
	Now      func() time.Time
}
