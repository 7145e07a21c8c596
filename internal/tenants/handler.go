package tenants

import (
	"time"

	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the account routes.
type Handler struct {
	DB          *store.DB
	Revocations *token.Revocations
	Now         func() time.Time
}
