package mfa

import (
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the MFA routes.
type Handler struct {
	DB      *store.DB
	Factors *factors.Service
	Now     func() time.Time
}

// me returns the signed-in caller.
func (h *Handler) me(r *http.Request) (*iam.User, error) {
	u, err := h.DB.FindUser(r.Context(), api.PrincipalFrom(r.Context()).UserID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.Unauthorized("Unauthorized")
	}
	return u, err
}

// failed counts a wrong second factor against the MFA token as well as
// against the code or ceremony it was for, so a login gets MaxAttempts wrong
// tries however many codes it asks for.
func (h *Handler) failed(r *http.Request, p *factors.Pending, err error) error {
	if errors.Is(err, factors.ErrInvalidCode) || errors.Is(err, factors.ErrCeremony) {
		if ferr := h.Factors.Fail(r.Context(), p); !errors.Is(ferr, factors.ErrInvalidCode) {
			return ferr
		}
	}
	return err
}

// finish completes the pending login or step-up with method and writes the
// login response (201), with recoveryCode when a device was just enrolled.
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, p *factors.Pending, method string, remember bool, recoveryCode string) error {
	f, err := h.Factors.Finish(r.Context(), p, method, remember)
	if err != nil {
		return err
	}
	f.Result.Response.RecoveryCode = recoveryCode
	return h.Factors.Write(w, r, f, http.StatusCreated)
}

// required returns a 400 naming the first empty field of pairs (name, value).
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return iam.Invalid("%s is required", pairs[i])
		}
	}
	return nil
}
