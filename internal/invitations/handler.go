package invitations

import (
	"time"

	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the invitation routes.
type Handler struct {
	DB        *store.DB
	Hasher    *secure.Hasher
	Passwords *policy.Passwords // the policy a password set on acceptance passes
	Notifier  *notify.Notifier
	Settings  *policy.Settings // allowTenantInvitations
	Sealer    *secure.Sealer   // keeps invitation link tokens showable
	ClientID  string           // the environment's client ID, shown as vendorId
	Now       func() time.Time
}

// Frontegg's permission keys for managing the users of an account, which
// inviting them falls under.
const (
	permReadUsers  = "fe.secure.read.users"
	permWriteUsers = "fe.secure.write.users"
)
