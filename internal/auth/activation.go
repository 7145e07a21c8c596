package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// errActivationInvalid answers every activation whose token cannot be used:
// unknown, expired, used, or another user's.
var errActivationInvalid = iam.Invalid("The activation link is invalid or has expired")

type activateRequest struct {
	UserID         string `json:"userId"`
	Token          string `json:"token"`
	Password       string `json:"password"`
	RecaptchaToken string `json:"recaptchaToken"`
	LastTermsCheck string `json:"lastTermsCheck"`
	Code           string `json:"code"` // activate/code only: the six-digit code from the activation email
}

// activate spends an activation token, sets the password when one is given
// (it must be, for a user without one), marks the user verified and logs
// them in: 200 with the login response and the refresh cookie.
func (h *Handler) activate(w http.ResponseWriter, r *http.Request) error {
	return h.activateUser(w, r, false)
}

// activateWithCode is activate for activation pages that ask for the code
// printed in the activation email as well as the link's token.
func (h *Handler) activateWithCode(w http.ResponseWriter, r *http.Request) error {
	return h.activateUser(w, r, true)
}

func (h *Handler) activateUser(w http.ResponseWriter, r *http.Request, withCode bool) error {
	var req activateRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := requireFields("userId", req.UserID, "token", req.Token); err != nil {
		return err
	}
	if withCode && strings.TrimSpace(req.Code) == "" {
		return iam.Invalid("code is required")
	}
	ctx := r.Context()
	now := h.Now()
	hash := ""
	if req.Password != "" {
		// The token is checked (not spent) first, so the policy is that of its user.
		if c, err := h.DB.PeekCode(ctx, notify.CodeActivation, secure.HashToken(req.Token), now); errors.Is(err, iam.ErrNotFound) || (err == nil && c.UserID != req.UserID) {
			return errActivationInvalid
		} else if err != nil {
			return err
		}
		if err := h.checkNewPassword(ctx, "password", nil, req.UserID, req.Password); err != nil {
			return err
		}
		hash = h.Hasher.Hash(req.Password)
	}
	var u *iam.User
	// Every failure below rolls back, so the token stays usable.
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.UseCode(ctx, notify.CodeActivation, secure.HashToken(req.Token), req.UserID, now)
		if errors.Is(err, iam.ErrNotFound) {
			return errActivationInvalid
		}
		if err != nil {
			return err
		}
		if withCode && !notify.ActivationCodeMatches(c, req.Token, strings.TrimSpace(req.Code)) {
			return iam.Invalid("code is incorrect")
		}
		if u, err = tx.FindUser(ctx, c.UserID); err != nil {
			return err
		}
		if hash == "" && u.PasswordHash == "" {
			return iam.Invalid("password is required")
		}
		if hash != "" {
			if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
				return err
			}
		}
		u.Verified, u.UpdatedAt = true, now
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return err
	}
	// The emailed link is a one-time secret; a password set now is a password.
	method := "otp"
	if hash != "" {
		method = "pwd"
	}
	res, err := h.Login.Complete(ctx, &login.Attempt{
		User: u, Methods: []string{method}, IP: api.ClientIP(ctx), UserAgent: r.UserAgent(),
	})
	if err != nil {
		return err
	}
	return h.writeLogin(w, r, res, http.StatusOK)
}

type activationStrategyResponse struct {
	ShouldSetPassword bool `json:"shouldSetPassword"`
}

// activationStrategy tells the activation page whether to ask for a
// password: only users without one must set it. The token is checked, not spent.
func (h *Handler) activationStrategy(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	userID, tok := q.Get("userId"), q.Get("token")
	if err := requireFields("userId", userID, "token", tok); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.DB.PeekCode(ctx, notify.CodeActivation, secure.HashToken(tok), h.Now())
	if errors.Is(err, iam.ErrNotFound) || (err == nil && c.UserID != userID) {
		return errActivationInvalid
	}
	if err != nil {
		return err
	}
	u, err := h.DB.FindUser(ctx, c.UserID)
	if err != nil {
		return err
	}
	return api.OK(w, activationStrategyResponse{ShouldSetPassword: u.PasswordHash == ""})
}

type resendActivationRequest struct {
	Email         string         `json:"email"`
	EmailMetadata map[string]any `json:"emailMetadata"`
}

// resendActivation emails a new activation link (the old ones stop working)
// to the user with this email, if there is one and it is not yet activated.
// It answers 201 with no body either way, so it cannot be used to find accounts.
func (h *Handler) resendActivation(w http.ResponseWriter, r *http.Request) error {
	var req resendActivationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		return iam.Invalid("email is required")
	}
	if !validEmail(email) {
		return iam.Invalid("email must be an email")
	}
	ctx := r.Context()
	u, err := h.DB.FindUserByEmail(ctx, email)
	switch {
	case errors.Is(err, iam.ErrNotFound):
	case err != nil:
		return err
	case !u.Verified:
		err := h.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := h.Notifier.Activation(ctx, tx, u, u.ActiveTenantID, true)
			return err
		})
		if err != nil {
			return err
		}
	}
	return api.JSON(w, http.StatusCreated, nil)
}

// generateActivationToken makes an activation token and link for a user who
// is not yet activated, without emailing it; earlier activation links of the
// user stop working.
func (h *Handler) generateActivationToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.findUser(ctx, r.PathValue("userId"))
	if err != nil {
		return err
	}
	if u.Verified {
		return iam.Invalid("User is already activated")
	}
	var tok string
	err = h.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		tok, err = h.Notifier.Activation(ctx, tx, u, u.ActiveTenantID, false)
		return err
	})
	if err != nil {
		return err
	}
	link, err := h.Notifier.Link(ctx, notify.ActivateUser, u.ID, tok)
	if err != nil {
		return err
	}
	return api.Created(w, linkResponse{Link: link, Token: tok, UserID: u.ID})
}
