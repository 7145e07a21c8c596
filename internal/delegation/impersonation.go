package delegation

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/scope"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Method is the amr value of impersonation sessions; it marks the sessions
// whose tokens carry an act claim.
const Method = "imp"

// MaxSessionAge bounds an impersonation session, as Frontegg does.
const MaxSessionAge = time.Hour

// DelegationPermission is the permission a user needs to impersonate.
const DelegationPermission = "fe.secure.write.delegation"

type impersonateInput struct {
	ImpersonatedUserID *string `json:"impersonatedUserId"`
	ActorToken         *string `json:"actorToken"`
	RedirectURL        *string `json:"redirectUrl"`
}

type impersonateJSON struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
	Expires      string `json:"expires"`
}

// actor is who asks to impersonate.
type actor struct {
	kind string // vendor or user
	id   string // the environment's client id, or the acting user's id
}

var errCannotImpersonate = iam.Forbidden("You cannot impersonate this user")

// impersonate opens a session of impersonatedUserId for the holder of
// actorToken, for at most an hour, and answers with its tokens (the refresh
// token also as the cookie). The actor is the vendor (an environment token;
// the account is frontegg-tenant-id, else the user's active one) or, when
// delegation is enabled, a user holding fe.secure.write.delegation in its
// active account, acting there for another member whose permissions there it
// all holds. Nobody impersonates from an impersonation session.
func (h *Handler) impersonate(w http.ResponseWriter, r *http.Request) error {
	var in impersonateInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	switch {
	case in.ImpersonatedUserID == nil || strings.TrimSpace(*in.ImpersonatedUserID) == "":
		return iam.Invalid("impersonatedUserId is required")
	case in.ActorToken == nil || strings.TrimSpace(*in.ActorToken) == "":
		return iam.Invalid("actorToken is required")
	}
	ctx := r.Context()
	claims, err := h.Authn.Verify(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(*in.ActorToken), "Bearer ")))
	if err != nil {
		return iam.Unauthorized("Invalid actor token")
	}
	target, err := h.DB.FindUser(ctx, strings.TrimSpace(*in.ImpersonatedUserID))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User not found")
	}
	if err != nil {
		return err
	}
	tenantIDs, err := h.activeTenants(ctx, target.ID)
	if err != nil {
		return err
	}
	act, tenantID, err := h.authorize(ctx, claims, target, tenantIDs, r.Header.Get(scope.TenantHeader))
	if err != nil {
		return err
	}
	if target.LockedAt(h.Now()) {
		return iam.Forbidden("User is locked")
	}
	imp := &store.Impersonation{SessionID: uuid.NewString(), ActorKind: act.kind, ActorID: act.id, UserID: target.ID,
		TenantID: tenantID, IP: api.ClientIP(ctx), CreatedAt: h.Now()}
	if err := h.DB.CreateImpersonation(ctx, imp); err != nil {
		return err
	}
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return err
	}
	res, err := h.Login.Open(ctx, &login.Attempt{User: target, Methods: []string{Method}, IP: imp.IP, UserAgent: r.UserAgent(),
		SessionID: imp.SessionID, MaxSessionAge: MaxSessionAge}, tenantIDs, tenantID, core)
	if err != nil {
		return err
	}
	h.Log.InfoContext(ctx, "impersonation started", "actor_kind", act.kind, "actor", act.id, "user", target.ID,
		"tenant", tenantID, "session", imp.SessionID, "ip", imp.IP, "trace_id", api.TraceID(ctx))
	h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	return api.OK(w, impersonateJSON{AccessToken: res.Response.AccessToken, TokenType: "Bearer", RefreshToken: res.RefreshToken,
		ExpiresIn: res.Response.ExpiresIn, Expires: res.Response.Expires})
}

// activeTenants returns the accounts the user may log in to (enabled memberships).
func (h *Handler) activeTenants(ctx context.Context, userID string) ([]string, error) {
	ms, err := h.DB.FindMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		if !m.Disabled {
			ids = append(ids, m.TenantID)
		}
	}
	return ids, nil
}

// authorize decides whether the actor token's holder may impersonate target
// and in which account.
func (h *Handler) authorize(ctx context.Context, c *token.Claims, target *iam.User, tenantIDs []string, wantTenant string) (actor, string, error) {
	if c.Actor != nil {
		return actor{}, "", iam.Forbidden("An impersonation session cannot impersonate")
	}
	switch c.Type {
	case iam.TokenTypeVendor:
		tenantID := wantTenant
		if tenantID == "" {
			tenantID = target.ActiveTenantID
			if !slices.Contains(tenantIDs, tenantID) && len(tenantIDs) > 0 {
				tenantID = tenantIDs[0]
			}
		}
		if !slices.Contains(tenantIDs, tenantID) {
			return actor{}, "", iam.NotFound("User is not a member of this account")
		}
		return actor{kind: "vendor", id: c.Subject}, tenantID, nil
	case iam.TokenTypeUser:
	default:
		return actor{}, "", iam.Unauthorized("Invalid actor token")
	}
	cfg, err := h.config(ctx)
	if err != nil {
		return actor{}, "", err
	}
	p := &iam.Principal{Kind: iam.CallerUser, UserID: c.Subject, TenantID: c.TenantID, Permissions: c.Permissions}
	switch {
	case !cfg.Enabled:
		return actor{}, "", iam.Forbidden("Delegation is disabled")
	case !p.Can(DelegationPermission):
		return actor{}, "", iam.Forbidden("Insufficient permissions")
	case c.Subject == target.ID:
		return actor{}, "", iam.Invalid("You cannot impersonate yourself")
	case !slices.Contains(tenantIDs, c.TenantID):
		return actor{}, "", errCannotImpersonate
	}
	az, err := h.DB.FindAuthz(ctx, target.ID, c.TenantID)
	if err != nil {
		return actor{}, "", err
	}
	if len(scope.Missing(p, az.PermissionKeys())) > 0 {
		return actor{}, "", errCannotImpersonate
	}
	return actor{kind: "user", id: c.Subject}, c.TenantID, nil
}

// AddClaims implements login.ClaimsHook: tokens of an impersonation session
// name the actor (act.sub: the acting user's id, or the environment's client
// id for the vendor). A session marked as impersonation without its record
// gets no token.
func (h *Handler) AddClaims(ctx context.Context, sess *iam.Session, c *token.Claims) error {
	if !slices.Contains(sess.AMR, Method) {
		return nil
	}
	imp, err := h.DB.FindImpersonation(ctx, sess.ID)
	if errors.Is(err, iam.ErrNotFound) {
		return login.ErrSessionInvalid
	}
	if err != nil {
		return err
	}
	c.Actor = &token.Actor{Subject: imp.ActorID}
	return nil
}
