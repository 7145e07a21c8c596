package audits

import (
	"time"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the audit log routes.
type Handler struct {
	DB       *store.DB
	Audit    *audit.Recorder
	VendorID string // the environment's client ID, shown as each entry's vendorId
	Now      func() time.Time
}
