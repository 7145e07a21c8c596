package invitations

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
)

// The activation and invitation strategies decide what the activation and
// invitation emails carry: "link" (ActivateUser, InviteToTenant) or "code"
// (ActivateUserWithCode, InviteToTenantWithCode: the link and a six-digit
// code the page asks for), and for how many seconds either works
// (codeExpiration; default a week). Frontegg's invitation request names
// only codeExpiration; Hatch also reads strategy there.

func (h *Handler) getActivationStrategy(w http.ResponseWriter, r *http.Request) error {
	return h.getStrategy(w, r, notify.ActivationStrategyName)
}

func (h *Handler) getInvitationStrategy(w http.ResponseWriter, r *http.Request) error {
	return h.getStrategy(w, r, notify.InvitationStrategyName)
}

func (h *Handler) getStrategy(w http.ResponseWriter, r *http.Request, name string) error {
	s, err := notify.LoadStrategy(r.Context(), h.DB, name)
	if err != nil {
		return err
	}
	return api.OK(w, s)
}

func (h *Handler) putActivationStrategy(w http.ResponseWriter, r *http.Request) error {
	return h.putStrategy(w, r, notify.ActivationStrategyName, true)
}

func (h *Handler) putInvitationStrategy(w http.ResponseWriter, r *http.Request) error {
	return h.putStrategy(w, r, notify.InvitationStrategyName, false)
}

var errStrategyRequired = iam.Invalid("strategy is required")

// putStrategy changes the fields the body sets; strategy is required when
// requireStrategy is set, as Frontegg's activation request has it.
func (h *Handler) putStrategy(w http.ResponseWriter, r *http.Request, name string, requireStrategy bool) error {
	var req struct {
		Strategy       *string `json:"strategy"`
		CodeExpiration *int    `json:"codeExpiration"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if requireStrategy && req.Strategy == nil {
		return errStrategyRequired
	}
	var s notify.Strategy
	err := h.DB.UpdateSetting(r.Context(), "", name, &s, h.Now(), func(found bool) error {
		if !found {
			s = notify.DefaultStrategy()
		}
		if req.Strategy != nil {
			s.Strategy = *req.Strategy
		}
		if req.CodeExpiration != nil {
			s.CodeExpiration = *req.CodeExpiration
		}
		return s.Validate()
	})
	if err != nil {
		return err
	}
	return api.OK(w, s)
}
