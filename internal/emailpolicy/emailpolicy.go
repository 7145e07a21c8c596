// Package emailpolicy serves the environment's user emails policy: whether
// users may change their email address. Any signed-in caller may read it;
// the vendor sets it.
package emailpolicy

import (
	"context"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// Name is the environment's settings document of the policy. Until the
// vendor saves one, email change is allowed.
const Name = policy.UserEmailsName

// Policy is the user emails policy.
type Policy = policy.UserEmails

// Handler serves the policy routes.
type Handler struct {
	DB  *store.DB
	Now func() time.Time
}

// Routes registers the package's routes.
func (h *Handler) Routes(r *api.Router) {
	r.Handle("GET /identity/resources/configurations/v1/user-emails-policy", api.SelfService, h.get)
	r.Handle("POST /identity/resources/configurations/v1/user-emails-policy", api.Vendor, h.save)
}

// Find returns the environment's policy.
func (h *Handler) Find(ctx context.Context) (Policy, error) {
	return policy.FindUserEmails(ctx, h.DB)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Find(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, p)
}

type policyInput struct {
	AllowEmailChange *bool `json:"allowEmailChange"`
}

func (h *Handler) save(w http.ResponseWriter, r *http.Request) error {
	var in policyInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if in.AllowEmailChange == nil {
		return iam.Invalid("allowEmailChange is required")
	}
	p := Policy{AllowEmailChange: *in.AllowEmailChange}
	if err := h.DB.SaveSetting(r.Context(), "", Name, p, h.Now()); err != nil {
		return err
	}
	return api.OK(w, p)
}
