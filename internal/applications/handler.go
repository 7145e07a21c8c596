package applications

import (
	"time"

	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the application routes, checks logins against them, and
// gives the hosted login its OAuth clients (oauth_clients.go).
type Handler struct {
	DB       *store.DB
	Scope    *scope.Resolver
	Sealer   *secure.Sealer // seals the applications' and application clients' secrets
	VendorID string         // the environment's client id, Frontegg's vendorId
	Now      func() time.Time
}
