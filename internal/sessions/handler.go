package sessions

import (
	"time"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the session routes.
type Handler struct {
	DB          *store.DB
	Sessions    *policy.Sessions
	Revocations *token.Revocations
	Audit       *audit.Recorder
	Now         func() time.Time
}
