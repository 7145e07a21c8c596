package mfa

import (
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
)

type stepUpRequest struct {
	MaxAge *int `json:"maxAge"` // seconds; the second factor must be at most this old
}

// generateStepUp raises the caller's session to MFA. A session whose second
// factor is recent enough (within maxAge, when given) gets fresh tokens at
// once; otherwise the answer is an MFA token with the user's devices, to
// complete with the MFA verify routes, which then raise the session: its
// tokens carry acr multi-factor, amr with mfa and the method, and auth_time.
func (h *Handler) generateStepUp(w http.ResponseWriter, r *http.Request) error {
	var req stepUpRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.MaxAge != nil && *req.MaxAge < 0 {
		return iam.Invalid("maxAge must be a number of seconds")
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	u, err := h.me(r)
	if err != nil {
		return err
	}
	sess, err := h.DB.FindSession(ctx, p.SessionID)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && (sess.UserID != u.ID || sess.RevokedAt != nil)) {
		return login.ErrSessionInvalid
	}
	if err != nil {
		return err
	}
	fresh := req.MaxAge == nil || h.Now().Sub(sess.AuthTime) <= time.Duration(*req.MaxAge)*time.Second
	if sess.ACR == login.MultiFactorACR && fresh {
		res, err := h.Factors.Login.StepUp(ctx, u.ID, sess.ID, nil)
		if err != nil {
			return err
		}
		return h.Factors.Write(w, r, &factors.Finished{Result: res}, http.StatusOK)
	}
	resp, err := h.Factors.StartStepUp(ctx, u, sess)
	if err != nil {
		return err
	}
	return api.OK(w, resp)
}
