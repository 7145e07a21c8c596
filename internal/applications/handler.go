package applications

import (
	"time"

	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the application routes and checks logins against them.
type Handler struct {
	DB       *store.DB
	Scope    *scope.Resolver
	VendorID string // the environment's client id, Frontegg's vendorId
	Now      func() time.Time
}
