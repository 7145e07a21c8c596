package sessions

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
)

// Permissions an account user needs to act on another member's sessions.
const (
	permReadUsers      = "fe.secure.read.users"
	permDeleteSessions = "fe.secure.delete.sessions"
)

// sessionJSON is a session as the API shows it: the device is its user agent.
type sessionJSON struct {
	ID           string    `json:"id"`
	UserID       string    `json:"userId"`
	TenantID     string    `json:"tenantId"`
	IPAddress    string    `json:"ipAddress"`
	UserAgent    string    `json:"userAgent"`
	CreatedAt    time.Time `json:"createdAt"`
	LastActiveAt time.Time `json:"lastActiveAt"`
	Expires      time.Time `json:"expires"`
	Current      bool      `json:"current"`
	Impersonated bool      `json:"impersonated"`
}

func toJSON(s *iam.Session, currentID string) sessionJSON {
	return sessionJSON{ID: s.ID, UserID: s.UserID, TenantID: s.TenantID, IPAddress: s.IP, UserAgent: s.UserAgent,
		CreatedAt: s.CreatedAt, LastActiveAt: s.LastUsedAt, Expires: s.ExpiresAt, Current: s.ID == currentID}
}

// subject returns the user whose sessions a /me call concerns, and the
// caller's own session id when that is the caller (else ""):
//   - a user token: its own user; or, with frontegg-user-id naming another
//     member of its active account, that user, when it holds perm;
//   - the vendor: the user frontegg-user-id names (required);
//   - an API token: a 403, since it has no sessions of its own.
//
// A user outside the caller's reach is a 404, as a missing one is.
func (h *Handler) subject(r *http.Request, perm string) (*iam.User, string, error) {
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	switch p.Kind {
	case iam.CallerVendor:
		if p.UserID == "" {
			return nil, "", iam.Invalid("frontegg-user-id header is required")
		}
		u, err := h.user(ctx, p.UserID, "")
		return u, "", err
	case iam.CallerUser:
		other := r.Header.Get("frontegg-user-id")
		if other == "" || other == p.UserID {
			u, err := h.user(ctx, p.UserID, "")
			return u, p.SessionID, err
		}
		if !p.Can(perm) {
			return nil, "", iam.Forbidden("Insufficient permissions")
		}
		u, err := h.user(ctx, other, p.TenantID)
		return u, "", err
	}
	return nil, "", iam.Forbidden("This route does not accept this kind of token")
}

// user returns the user id, a member of tenantID when it is set; a 404 otherwise.
func (h *Handler) user(ctx context.Context, id, tenantID string) (*iam.User, error) {
	u, err := h.DB.FindUser(ctx, id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("User not found")
	}
	if err != nil || tenantID == "" {
		return u, err
	}
	ms, err := h.DB.FindMemberships(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(ms, func(m iam.Membership) bool { return m.TenantID == tenantID }) {
		return nil, iam.NotFound("User not found")
	}
	return u, nil
}

// list answers the user's live sessions, newest first.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	u, current, err := h.subject(r, permReadUsers)
	if err != nil {
		return err
	}
	list, err := h.DB.FindLiveSessions(r.Context(), u.ID, h.Now())
	if err != nil {
		return err
	}
	out := make([]sessionJSON, len(list))
	for i, s := range list {
		out[i] = toJSON(s, current)
	}
	return api.OK(w, out)
}

// current answers the session of the caller's access token.
func (h *Handler) current(w http.ResponseWriter, r *http.Request) error {
	p := api.PrincipalFrom(r.Context())
	if p.Kind != iam.CallerUser {
		return iam.NotFound("This token has no session")
	}
	s, err := h.DB.FindSession(r.Context(), p.SessionID)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Session not found")
	}
	if err != nil {
		return err
	}
	return api.OK(w, toJSON(s, p.SessionID))
}

// endOne ends one session of the user.
func (h *Handler) endOne(w http.ResponseWriter, r *http.Request) error {
	u, _, err := h.subject(r, permDeleteSessions)
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := r.PathValue("id")
	if err := h.DB.RevokeSession(ctx, u.ID, id, h.Now()); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Session not found")
	} else if err != nil {
		return err
	}
	if err := h.ended(ctx, u, []string{id}, "one"); err != nil {
		return err
	}
	return api.NoContent(w)
}

// endAll ends every session of the user but the caller's own: a user signs
// out everywhere else; the vendor or an admin ends them all.
func (h *Handler) endAll(w http.ResponseWriter, r *http.Request) error {
	u, current, err := h.subject(r, permDeleteSessions)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ids, err := h.DB.EndUserSessions(ctx, u.ID, current, h.Now())
	if err != nil {
		return err
	}
	if err := h.ended(ctx, u, ids, "all others"); err != nil {
		return err
	}
	return api.NoContent(w)
}

type revokeRequest struct {
	UserID string `json:"userId"`
}

// revoke ends every session of a user, the caller's own included. A user may
// revoke their own; an account user or API token holding
// fe.secure.delete.sessions, those of a member of its account; the vendor,
// anyone's.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) error {
	var req revokeRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.UserID == "" {
		return iam.Invalid("userId is required")
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	within := "" // the account the target must belong to
	if !p.IsVendor() && !(p.Kind == iam.CallerUser && req.UserID == p.UserID) {
		if !p.Can(permDeleteSessions) {
			return iam.Forbidden("Insufficient permissions")
		}
		within = p.TenantID
	}
	u, err := h.user(ctx, req.UserID, within)
	if err != nil {
		return err
	}
	ids, err := h.DB.EndUserSessions(ctx, u.ID, "", h.Now())
	if err != nil {
		return err
	}
	if err := h.ended(ctx, u, ids, "all"); err != nil {
		return err
	}
	return api.NoContent(w)
}

// ended makes this node refuse the sessions' access tokens at once (other
// nodes poll the revocations) and records their end.
func (h *Handler) ended(ctx context.Context, u *iam.User, ids []string, which string) error {
	for _, id := range ids {
		h.Revocations.Add(id)
	}
	if len(ids) == 0 {
		return nil
	}
	tenantID := u.ActiveTenantID // the log of the account the admin acts in, or else the user's
	if p := api.PrincipalFrom(ctx); p != nil && p.TenantID != "" {
		tenantID = p.TenantID
	}
	return h.Audit.Record(ctx, audit.Event{TenantID: tenantID, UserID: u.ID, Email: u.Email, Action: audit.ActionSessionEnded,
		Resource: "Sessions", Data: map[string]any{"sessionIds": ids, "which": which}})
}
