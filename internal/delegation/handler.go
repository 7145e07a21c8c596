package delegation

import (
	"log/slog"
	"time"

	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the delegation routes and marks impersonation tokens.
type Handler struct {
	DB       *store.DB
	Login    *login.Service
	Cookies  *login.Cookies
	Settings *policy.Settings
	Authn    *token.Authenticator // verifies actor tokens
	Now      func() time.Time
	Log      *slog.Logger
}
