package apitokens

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the machine-credential routes.
type Handler struct {
	DB          *store.DB
	Issuer      *token.Issuer
	Settings    *policy.Settings
	Revocations *token.Revocations
	SecretKey   []byte          // the environment's key for keyed hashes of client secrets
	Audit       *audit.Recorder // records tokens created and deleted
	Now         func() time.Time
}

// MaxLiveRefreshTokens is how many refresh families a client-credential token
// keeps, as Frontegg documents. Families are stored in slots numbered modulo
// this value, so it may grow but must not shrink without migrating them.
const MaxLiveRefreshTokens = 100

// maxExpiresInMinutes bounds expiresInMinutes (ten years, the OpenAPI's bound for personal tokens).
const maxExpiresInMinutes = 5256000

// errDisabled is what every route that makes or uses API tokens answers when
// the environment turns them off; @frontegg/client reads exactly this message.
var errDisabled = iam.Forbidden("Api tokens are disabled")

// enabled returns the core settings, or errDisabled when API tokens are off.
func (h *Handler) enabled(ctx context.Context) (policy.Core, error) {
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return core, err
	}
	if !core.APITokensEnabled {
		return core, errDisabled
	}
	return core, nil
}

// scope is the account, and for personal tokens the user, a self-service call
// acts on: the caller's own, or for the vendor those of the
// frontegg-tenant-id and frontegg-user-id headers.
type scope struct {
	caller   *iam.Principal
	tenantID string
	userID   string // "" for a vendor without frontegg-user-id or an account API token without creator
}

// accountScope returns the caller's scope; the account is required.
func accountScope(r *http.Request) (scope, error) {
	p := api.PrincipalFrom(r.Context())
	if p.TenantID == "" {
		return scope{}, iam.Invalid("frontegg-tenant-id header is required")
	}
	return scope{caller: p, tenantID: p.TenantID, userID: p.UserID}, nil
}

// userScope is accountScope for personal tokens, which need a user. Of API
// tokens only personal ones act as a user here: an account token made by a
// user must not mint tokens carrying that user's roles.
func userScope(r *http.Request) (scope, error) {
	s, err := accountScope(r)
	switch {
	case err != nil:
		return s, err
	case s.userID == "" && s.caller.IsVendor():
		return s, iam.Invalid("frontegg-user-id header is required")
	case s.userID == "", s.caller.Kind == iam.CallerAPIToken && s.caller.TokenType != iam.TokenTypeUserAPI:
		return s, iam.Forbidden("Personal tokens belong to a user; this token acts for no user")
	}
	return s, nil
}

// tokenRequest is the body shared by the create and update routes; the
// pointers tell a field that was sent from one that was not.
type tokenRequest struct {
	Metadata         json.RawMessage `json:"metadata"`
	Description      *string         `json:"description"`
	RoleIDs          *[]string       `json:"roleIds"`
	PermissionIDs    *[]string       `json:"permissionIds"`
	ExpiresInMinutes *float64        `json:"expiresInMinutes"`
}

// metadata returns the metadata as compact JSON text, "{}" when absent.
func (q *tokenRequest) metadata() (string, error) {
	raw := bytes.TrimSpace(q.Metadata)
	if len(raw) == 0 || string(raw) == "null" {
		return "{}", nil
	}
	if raw[0] != '{' {
		return "", iam.Invalid("metadata must be an object")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", iam.Invalid("metadata must be an object")
	}
	return buf.String(), nil
}

// expiry returns when a token made now expires, nil when never.
func (q *tokenRequest) expiry(now time.Time) (*time.Time, error) {
	if q.ExpiresInMinutes == nil {
		return nil, nil
	}
	m := *q.ExpiresInMinutes
	if m != math.Trunc(m) || m < 1 || m > maxExpiresInMinutes {
		return nil, iam.Invalid("expiresInMinutes must be a whole number between 1 and %d", maxExpiresInMinutes)
	}
	t := now.Add(time.Duration(m) * time.Minute)
	return &t, nil
}

// grants returns the roleIds and permissionIds sent, checked: ids must be
// non-empty strings, and an account token has roles or permissions, not both.
func (q *tokenRequest) grants() (roleIDs, permissionIDs []string, err error) {
	for _, f := range []struct {
		name string
		in   *[]string
		out  *[]string
	}{{"roleIds", q.RoleIDs, &roleIDs}, {"permissionIds", q.PermissionIDs, &permissionIDs}} {
		if f.in == nil {
			continue
		}
		for _, id := range *f.in {
			if id == "" {
				return nil, nil, iam.Invalid("%s must not contain empty ids", f.name)
			}
		}
		*f.out = *f.in
	}
	if len(roleIDs) > 0 && len(permissionIDs) > 0 {
		return nil, nil, iam.Invalid("roleIds and permissionIds cannot both be set")
	}
	return roleIDs, permissionIDs, nil
}

// checkGrantable refuses a token that would grant a permission its maker does
// not hold, so that no user escalates through a token. The vendor may grant anything.
func (h *Handler) checkGrantable(ctx context.Context, caller *iam.Principal, roleIDs, permissionIDs []string) error {
	if caller.IsVendor() {
		return nil
	}
	keys, err := h.DB.FindPermissionKeys(ctx, roleIDs, permissionIDs)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if !caller.Can(k) {
			return iam.Forbidden("Cannot grant the permission %s, which the caller does not hold", k)
		}
	}
	return nil
}

// storeError turns the store's errors about what a token refers to into
// messages that name the field; others pass through.
func storeError(err error) error {
	switch {
	case errors.Is(err, store.ErrUnknownTenant):
		return iam.NotFound("Account not found")
	case errors.Is(err, store.ErrUnknownMember):
		return iam.NotFound("User not found in this account")
	case errors.Is(err, store.ErrUnknownRole):
		return iam.Invalid("roleIds contains a role that does not exist in this account")
	case errors.Is(err, store.ErrUnknownPermission):
		return iam.Invalid("permissionIds contains a permission that does not exist")
	}
	return err
}

// createToken stores t and records its creation (its id and type, never its
// secret), in one transaction; it returns the store's errors as they are.
func (h *Handler) createToken(ctx context.Context, t *iam.APIToken) error {
	return h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return h.Audit.RecordTx(ctx, tx, audit.Event{TenantID: t.TenantID, UserID: t.UserID, Action: audit.ActionTokenCreated,
			Resource: "API tokens", Severity: audit.Info, Data: map[string]any{"id": t.ID, "type": t.Type}})
	})
}

// timeJSON renders a time as JavaScript's toISOString does, as Frontegg's APIs answer.
func timeJSON(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// expiresJSON renders an optional expiry; null when the token never expires.
func expiresJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := timeJSON(*t)
	return &s
}

// nullable renders "" as null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonNil renders a nil list as [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// grants returns the role and permission keys t grants now: an account
// token's own, read with it; a personal token's user's in the account, read
// as the user's own login reads them, so the token never holds more.
func (h *Handler) grants(ctx context.Context, t *store.ActiveAPIToken) (roles, permissions []string, err error) {
	if !t.Personal() {
		return t.Roles, t.Permissions, nil
	}
	az, err := h.DB.FindAuthz(ctx, t.UserID, t.TenantID)
	if err != nil {
		return nil, nil, err
	}
	return nonNil(az.RoleKeys()), nonNil(az.PermissionKeys()), nil
}
