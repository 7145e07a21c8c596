package users

import (
	"time"

	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the user routes.
type Handler struct {
	DB          *store.DB
	Hasher      *secure.Hasher
	Notifier    *notify.Notifier
	Settings    *policy.Settings
	Revocations *token.Revocations
	Now         func() time.Time
}
