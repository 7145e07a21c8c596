package groups

import (
	"time"

	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the group routes.
type Handler struct {
	DB       *store.DB
	Scope    *scope.Resolver
	VendorID string // the environment's client id, Frontegg's vendorId
	Now      func() time.Time
}
