package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// checkNewPassword is the one check every new password passes (sign-up,
// activation, reset, change): it must be given, and pass the strictest
// password policy of tenantIDs (nil: userID's accounts; userID "" for a user
// not created yet). It returns a 400 saying what is wrong. Call it outside
// write transactions: the history rule costs a hash verification per entry.
func (h *Handler) checkNewPassword(ctx context.Context, field string, tenantIDs []string, userID, password string) error {
	if password == "" {
		return iam.Invalid("%s is required", field)
	}
	return h.Passwords.Check(ctx, field, tenantIDs, userID, password)
}

// errResetLinkInvalid answers every reset whose token cannot be spent:
// unknown, expired, used, or another user's.
var errResetLinkInvalid = iam.Invalid("The password reset link is invalid or has expired")

// forgotPasswordRequest is the v1 body {email} that @frontegg/rest-api sends,
// or the spec's {identifier, identifierType} (also the v2 body).
type forgotPasswordRequest struct {
	Email          string         `json:"email"`
	Identifier     string         `json:"identifier"`
	IdentifierType string         `json:"identifierType"`
	EmailMetadata  map[string]any `json:"emailMetadata"`
}

// findByIdentifier returns the user the request names, or nil when there is
// none. It returns an error only for bad input or a storage failure, so the
// caller answers the same whether or not the user exists.
func (h *Handler) findByIdentifier(ctx context.Context, req *forgotPasswordRequest) (*iam.User, error) {
	kind, value := req.IdentifierType, strings.TrimSpace(req.Identifier)
	if email := strings.TrimSpace(req.Email); email != "" {
		kind, value = "email", email
	}
	if value == "" {
		return nil, iam.Invalid("email is required")
	}
	var u *iam.User
	var err error
	switch kind {
	case "email":
		if !validEmail(value) {
			return nil, iam.Invalid("email must be an email")
		}
		u, err = h.DB.FindUserByEmail(ctx, value)
	case "username":
		u, err = h.DB.FindUserByUsername(ctx, value)
	case "phoneNumber":
		return nil, iam.Invalid("identifierType phoneNumber is not supported here; use email or username")
	default:
		return nil, iam.Invalid("identifierType must be one of email, phoneNumber, username")
	}
	if errors.Is(err, iam.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// sendPasswordReset emails a reset link to the user the request names, if
// there is one.
func (h *Handler) sendPasswordReset(r *http.Request) error {
	var req forgotPasswordRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	return h.passwordResetFor(r.Context(), &req)
}

// passwordResetFor emails a reset link to the user req names, if there is
// one; the hosted login page's "forgot password" comes here too.
func (h *Handler) passwordResetFor(ctx context.Context, req *forgotPasswordRequest) error {
	u, err := h.findByIdentifier(ctx, req)
	if err != nil || u == nil {
		return err
	}
	return h.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := h.Notifier.PasswordReset(ctx, tx, u, true)
		return err
	})
}

// forgotPassword emails a reset link. It answers 201 with no body whether or
// not the user exists, so it cannot be used to find accounts.
func (h *Handler) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	if err := h.sendPasswordReset(r); err != nil {
		return err
	}
	return api.JSON(w, http.StatusCreated, nil)
}

type forgotPasswordV2Response struct {
	SessionID string `json:"sessionId"`
}

// forgotPasswordV2 is forgotPassword answering 200 {sessionId}. The session id
// is fresh and random either way: the email link carries everything the reset
// needs, and the answer must not differ for unknown users.
func (h *Handler) forgotPasswordV2(w http.ResponseWriter, r *http.Request) error {
	if err := h.sendPasswordReset(r); err != nil {
		return err
	}
	return api.OK(w, forgotPasswordV2Response{SessionID: uuid.NewString()})
}

type resetPasswordRequest struct {
	UserID   string `json:"userId"`
	Token    string `json:"token"`
	Password string `json:"password"`
}

// resetPassword spends a reset token, sets the new password and ends every
// session of the user, on every node within a poll and on this one at once.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var req resetPasswordRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := requireFields("userId", req.UserID, "token", req.Token); err != nil {
		return err
	}
	if req.Password == "" {
		return iam.Invalid("password is required")
	}
	ctx := r.Context()
	now := h.Now()
	// The token is checked (not spent) first, so the policy is that of its user.
	if c, err := h.DB.PeekCode(ctx, notify.CodePasswordReset, secure.HashToken(req.Token), now); errors.Is(err, iam.ErrNotFound) || (err == nil && c.UserID != req.UserID) {
		return errResetLinkInvalid
	} else if err != nil {
		return err
	}
	if err := h.checkNewPassword(ctx, "password", nil, req.UserID, req.Password); err != nil {
		return err
	}
	hash := h.Hasher.Hash(req.Password)
	var ended []string
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.UseCode(ctx, notify.CodePasswordReset, secure.HashToken(req.Token), req.UserID, now); err != nil {
			if errors.Is(err, iam.ErrNotFound) {
				return errResetLinkInvalid
			}
			return err
		}
		u, err := tx.FindUser(ctx, req.UserID)
		if errors.Is(err, iam.ErrNotFound) {
			return errResetLinkInvalid
		} else if err != nil {
			return err
		}
		if err := h.setPasswordEndingSessions(ctx, tx, u.ID, hash, "", &ended); err != nil {
			return err
		}
		// No one is signed in: the user, by its reset token, is the actor.
		return h.recordPasswordChange(ctx, tx, audit.Event{TenantID: u.ActiveTenantID, UserID: u.ID, Email: u.Email,
			ActorID: u.ID, ActorType: audit.ActorUser, ActorEmail: u.Email, UserAgent: r.UserAgent()}, "reset")
	})
	if err != nil {
		return err
	}
	h.revoke(ended)
	return api.JSON(w, http.StatusCreated, nil)
}

type changePasswordRequest struct {
	Password    string `json:"password"`
	NewPassword string `json:"newPassword"`
}

// changePassword checks the caller's current password, sets the new one and
// ends the caller's other sessions; the session making the change goes on.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req changePasswordRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Password == "" {
		return iam.Invalid("password is required")
	}
	if req.NewPassword == "" {
		return iam.Invalid("newPassword is required")
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	u, err := h.DB.FindUser(ctx, p.UserID)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.Unauthorized("Unauthorized")
	}
	if err != nil {
		return err
	}
	ok, _, err := h.Hasher.Verify(req.Password, u.PasswordHash)
	if err != nil && !errors.Is(err, secure.ErrUnsupportedHash) {
		return err
	}
	if !ok {
		// 400, not 401: the browser client reads a 401 as an ended session.
		return iam.Invalid("password is incorrect")
	}
	if err := h.checkNewPassword(ctx, "newPassword", nil, u.ID, req.NewPassword); err != nil {
		return err
	}
	hash := h.Hasher.Hash(req.NewPassword)
	var ended []string
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := h.setPasswordEndingSessions(ctx, tx, u.ID, hash, p.SessionID, &ended); err != nil {
			return err
		}
		// The caller is the actor, in its active account.
		return h.recordPasswordChange(ctx, tx, audit.Event{UserID: u.ID, Email: u.Email, UserAgent: r.UserAgent()}, "change")
	})
	if err != nil {
		return err
	}
	h.revoke(ended)
	return api.JSON(w, http.StatusCreated, nil)
}

// setPasswordEndingSessions sets the user's password hash and ends every
// session of the user but keepSessionID, storing their ids in ended.
func (h *Handler) setPasswordEndingSessions(ctx context.Context, tx *store.Tx, userID, hash, keepSessionID string, ended *[]string) error {
	now := h.Now()
	if err := tx.SetPassword(ctx, userID, hash, now); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return errResetLinkInvalid
		}
		return err
	}
	ids, err := tx.EndUserSessionsExcept(ctx, userID, keepSessionID, now)
	*ended = ids
	return err
}

// recordPasswordChange records in tx, as e (its subject and actor filled
// in), that a password was changed; via says how ("change" by the signed-in
// user, "reset" by a reset token). Neither password nor hash is recorded.
func (h *Handler) recordPasswordChange(ctx context.Context, tx *store.Tx, e audit.Event, via string) error {
	e.Action, e.Resource, e.Severity, e.Data = audit.ActionPasswordChanged, "Authentication", audit.Medium, map[string]any{"via": via}
	return h.Audit.RecordTx(ctx, tx, e)
}

// revoke makes this node refuse the access tokens of sessions just ended;
// other nodes learn of them at their next poll.
func (h *Handler) revoke(sessionIDs []string) {
	for _, id := range sessionIDs {
		h.Revocations.Add(id)
	}
}

type verifyPasswordRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type verifyPasswordResponse struct {
	Valid bool `json:"valid"`
}

// verifyPassword tells the vendor whether email and password match a user.
// An unknown email costs one hash too, and answers valid: false like a wrong
// password.
func (h *Handler) verifyPassword(w http.ResponseWriter, r *http.Request) error {
	var req verifyPasswordRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := requireFields("email", req.Email, "password", req.Password); err != nil {
		return err
	}
	u, err := h.DB.FindUserByEmail(r.Context(), req.Email)
	if errors.Is(err, iam.ErrNotFound) {
		h.Hasher.VerifyDummy(req.Password)
		return api.OK(w, verifyPasswordResponse{})
	}
	if err != nil {
		return err
	}
	ok, _, err := h.Hasher.Verify(req.Password, u.PasswordHash)
	if err != nil && !errors.Is(err, secure.ErrUnsupportedHash) {
		return err
	}
	return api.OK(w, verifyPasswordResponse{Valid: ok})
}

// linkResponse is what the vendor's link-generating routes answer.
type linkResponse struct {
	Link   string `json:"link"`
	Token  string `json:"token"`
	UserID string `json:"userId"`
}

// generatePasswordResetToken makes a reset token and link for the user
// without emailing it; earlier reset links of the user stop working.
func (h *Handler) generatePasswordResetToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.findUser(ctx, r.PathValue("userId"))
	if err != nil {
		return err
	}
	var tok string
	err = h.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		tok, err = h.Notifier.PasswordReset(ctx, tx, u, false)
		return err
	})
	if err != nil {
		return err
	}
	link, err := h.Notifier.Link(ctx, notify.ResetPassword, u.ID, tok)
	if err != nil {
		return err
	}
	return api.Created(w, linkResponse{Link: link, Token: tok, UserID: u.ID})
}

// findUser returns the user with id, or a 404.
func (h *Handler) findUser(ctx context.Context, id string) (*iam.User, error) {
	u, err := h.DB.FindUser(ctx, id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("User not found")
	}
	return u, err
}

// requireFields returns a 400 naming the first of the (name, value) pairs
// whose value is blank.
func requireFields(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return iam.Invalid("%s is required", pairs[i])
		}
	}
	return nil
}
