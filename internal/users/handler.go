package users

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
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
	Passwords   *policy.Passwords    // the password policy a given password passes
	Domains     *policy.EmailDomains // the accounts' email-domain restrictions
	Settings    *policy.Settings
	Revocations *token.Revocations
	Audit       *audit.Recorder // records security events: a user's own unlock
	Now         func() time.Time
	ClientID    string // the environment's client ID, shown as vendorId on roles and tenants
	// Sealer seals bulk invitation requests while they wait; Log and
	// BulkInterval serve the bulk invitation worker (Run).
	Sealer       *secure.Sealer
	Log          *slog.Logger
	BulkInterval time.Duration

	bulkOnce sync.Once
	bulkWake chan struct{}
	me       meAnswers
}

// Frontegg's permission keys for managing the users of an account.
const (
	permReadUsers   = "fe.secure.read.users"
	permWriteUsers  = "fe.secure.write.users"
	permDeleteUsers = "fe.secure.delete.users"
)

var errUserNotFound = iam.NotFound("User not found")

// scopeTenant returns the tenant a management call is confined to: the
// frontegg-tenant-id header for the vendor ("" when absent: every tenant),
// the token's active tenant for everyone else.
func scopeTenant(r *http.Request) string {
	return api.PrincipalFrom(r.Context()).TenantID
}

// requireTenant is scopeTenant for routes that must act in one tenant.
func requireTenant(r *http.Request) (string, error) {
	if t := scopeTenant(r); t != "" {
		return t, nil
	}
	return "", iam.Invalid("frontegg-tenant-id header is required")
}

// selfID returns the user a "me" route acts for: the token's user, or for the
// vendor the frontegg-user-id header. An account API token has no user of its own.
func selfID(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	switch {
	case p.TokenType == iam.TokenTypeTenantAPI:
		return "", iam.Forbidden("This route needs a user")
	case p.UserID == "" && p.IsVendor():
		return "", iam.Invalid("frontegg-user-id header is required")
	case p.UserID == "":
		return "", iam.Unauthorized("Unauthorized")
	}
	return p.UserID, nil
}

// self loads the user a "me" route acts for. A token whose user is gone is refused as 401.
func (h *Handler) self(r *http.Request) (*iam.User, error) {
	id, err := selfID(r)
	if err != nil {
		return nil, err
	}
	u, err := h.DB.FindUser(r.Context(), id)
	if err != nil {
		return nil, h.selfMissing(r, err)
	}
	return u, nil
}

// selfMissing maps the error of loading the caller's own user: a token whose
// user is gone is refused as 401 (404 for the vendor, who names the user).
func (h *Handler) selfMissing(r *http.Request, err error) error {
	if !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	if api.PrincipalFrom(r.Context()).IsVendor() {
		return errUserNotFound
	}
	return iam.Unauthorized("Unauthorized")
}

// scopedUser loads the user id, answering 404 when it does not exist or is
// not a member of the caller's scope tenant (see scopeTenant).
func (h *Handler) scopedUser(r *http.Request, id string) (*iam.User, error) {
	return h.userInTenant(r.Context(), id, scopeTenant(r))
}

// userInTenant loads the user id, answering 404 when it does not exist or,
// when tenantID is not "", is not a member of it.
func (h *Handler) userInTenant(ctx context.Context, id, tenantID string) (*iam.User, error) {
	u, err := h.DB.FindUser(ctx, id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errUserNotFound
	}
	if err != nil || tenantID == "" {
		return u, err
	}
	if _, err := h.membership(ctx, id, tenantID); err != nil {
		return nil, err
	}
	return u, nil
}

// membership returns the user's membership of tenantID, or 404.
func (h *Handler) membership(ctx context.Context, userID, tenantID string) (*iam.Membership, error) {
	ms, err := h.DB.FindMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].TenantID == tenantID {
			return &ms[i], nil
		}
	}
	return nil, errUserNotFound
}

// forget makes this node refuse the access tokens of ended sessions at once;
// other nodes learn of them from storage within their poll interval.
func (h *Handler) forget(sessionIDs []string) {
	for _, id := range sessionIDs {
		h.Revocations.Add(id)
	}
}

// writeUser answers with the user shown in tenantID.
func (h *Handler) writeUser(w http.ResponseWriter, r *http.Request, status int, u *iam.User, tenantID string) error {
	out, err := h.userResponse(r.Context(), u, tenantID)
	if err != nil {
		return err
	}
	return api.JSON(w, status, out)
}

// changeUser applies change to the user id, which must be in the caller's
// scope (see scopedUser), in one transaction, and returns the saved user.
func (h *Handler) changeUser(r *http.Request, id string, change func(tx *store.Tx, u *iam.User) error) (*iam.User, error) {
	if _, err := h.scopedUser(r, id); err != nil {
		return nil, err
	}
	return h.updateUser(r.Context(), id, change)
}

// patchUser applies set to the path's user (see changeUser) and answers an empty 200.
func (h *Handler) patchUser(w http.ResponseWriter, r *http.Request, set func(u *iam.User)) error {
	_, err := h.changeUser(r, r.PathValue("userId"), func(_ *store.Tx, u *iam.User) error {
		set(u)
		return nil
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// updateUser reads the user id, applies change and saves it in one
// transaction. change may write more in tx; its error aborts everything.
func (h *Handler) updateUser(ctx context.Context, id string, change func(tx *store.Tx, u *iam.User) error) (*iam.User, error) {
	var out *iam.User
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.FindUser(ctx, id)
		if errors.Is(err, iam.ErrNotFound) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		if err := change(tx, u); err != nil {
			return err
		}
		u.UpdatedAt = h.Now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, err
}
