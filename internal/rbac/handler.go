package rbac

import (
	"log/slog"
	"sync"
	"time"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the rbac routes and runs bulk role tasks.
type Handler struct {
	DB       *store.DB
	Scope    *scope.Resolver
	VendorID string // the environment's client id, Frontegg's vendorId
	Now      func() time.Time
	Log      *slog.Logger
	Audit    *audit.Recorder // records users' role changes

	// BulkSyncLimit is the largest bulk role change done within its request;
	// larger ones run in the background (0: 10).
	BulkSyncLimit int
	// BulkPollInterval is how often the background runner looks for bulk role
	// tasks left by a stopped node (0: 5 s).
	BulkPollInterval time.Duration

	wakeOnce sync.Once
	wake     chan struct{}
}
