package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// jwtTargetingName is the settings document holding the environment's one
// JWT template targeting.
const jwtTargetingName = "jwt-template-targeting"

type targetingCondition struct {
	Attribute string          `json:"attribute"`
	Op        string          `json:"op"`
	Value     json.RawMessage `json:"value"` // an object, such as {"list": ["a", "b"]}
	Negate    *bool           `json:"negate"`
}

type targetingRule struct {
	ConditionLogic string               `json:"conditionLogic"`
	Conditions     []targetingCondition `json:"conditions"`
	Treatment      string               `json:"treatment"` // the key of the JWT template to use
}

type targetingRules struct {
	Rules []targetingRule `json:"rules"`
}

// jwtTargeting is the targeting as stored and as answered.
type jwtTargeting struct {
	ID        string         `json:"id"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	Targeting targetingRules `json:"targeting"`
}

var (
	targetingAttributes = []string{"userId", "applicationId", "tenantId", "roleIds", "tokenType", "userEmail"}
	targetingOps        = []string{"in_list", "contains", "ends_with"}
)

var errNoTargeting = iam.NotFound("JWT template targeting not found")

// targetingRequest is the body of every targeting write. rules left out means
// no rules on create and "keep the rules" on PATCH.
type targetingRequest struct {
	Rules *[]targetingRule `json:"rules"`
}

// validate returns a 400 naming the first bad field.
func (req *targetingRequest) validate() error {
	if req.Rules == nil {
		return nil
	}
	for i, rule := range *req.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		switch {
		case rule.ConditionLogic != "and":
			return iam.Invalid("%s.conditionLogic must be and", field)
		case rule.Treatment == "":
			return iam.Invalid("%s.treatment is required", field)
		case len(rule.Conditions) == 0:
			return iam.Invalid("%s.conditions must not be empty", field)
		}
		for j, c := range rule.Conditions {
			field := fmt.Sprintf("%s.conditions[%d]", field, j)
			switch {
			case !slices.Contains(targetingAttributes, c.Attribute):
				return iam.Invalid("%s.attribute must be one of userId, applicationId, tenantId, roleIds, tokenType, userEmail", field)
			case !slices.Contains(targetingOps, c.Op):
				return iam.Invalid("%s.op must be one of in_list, contains, ends_with", field)
			case !bytes.HasPrefix(bytes.TrimSpace(c.Value), []byte("{")):
				return iam.Invalid("%s.value must be an object", field)
			case c.Negate == nil:
				return iam.Invalid("%s.negate is required", field)
			}
		}
	}
	return nil
}

// saveTargeting applies a targeting write. mode is POST (create; 409 when one
// exists), PUT (replace or create) or PATCH (change the one whose id is in the
// path; 404 otherwise).
func (h *Handler) saveTargeting(r *http.Request, mode string) (jwtTargeting, error) {
	var req targetingRequest
	if err := api.Decode(r, &req); err != nil {
		return jwtTargeting{}, err
	}
	if err := req.validate(); err != nil {
		return jwtTargeting{}, err
	}
	now := h.Now()
	var t jwtTargeting
	err := h.DB.UpdateSetting(r.Context(), "", jwtTargetingName, &t, now, func(found bool) error {
		switch {
		case mode == http.MethodPost && found:
			return iam.Conflict("A JWT template targeting already exists; change it with PUT")
		case mode == http.MethodPatch && (!found || t.ID != r.PathValue("id")):
			return errNoTargeting
		case !found:
			t.ID, t.CreatedAt = uuid.NewString(), now
		}
		switch {
		case req.Rules != nil:
			t.Targeting.Rules = *req.Rules
		case mode != http.MethodPatch || t.Targeting.Rules == nil:
			t.Targeting.Rules = []targetingRule{}
		}
		t.UpdatedAt = now
		return nil
	})
	return t, err
}

// createTargeting creates the targeting; 409 when there is one.
func (h *Handler) createTargeting(w http.ResponseWriter, r *http.Request) error {
	t, err := h.saveTargeting(r, http.MethodPost)
	if err != nil {
		return err
	}
	return api.Created(w, t)
}

// replaceTargeting replaces the targeting, creating it when there is none.
func (h *Handler) replaceTargeting(w http.ResponseWriter, r *http.Request) error {
	t, err := h.saveTargeting(r, http.MethodPut)
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// patchTargeting changes the rules of the targeting with the path's id.
func (h *Handler) patchTargeting(w http.ResponseWriter, r *http.Request) error {
	t, err := h.saveTargeting(r, http.MethodPatch)
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// findTargeting returns the stored targeting, or errNoTargeting.
func (h *Handler) findTargeting(r *http.Request) (jwtTargeting, error) {
	var t jwtTargeting
	err := h.DB.FindSetting(r.Context(), "", jwtTargetingName, &t)
	if errors.Is(err, iam.ErrNotFound) {
		return t, errNoTargeting
	}
	return t, err
}

// getTargeting answers the targeting; 404 when there is none.
func (h *Handler) getTargeting(w http.ResponseWriter, r *http.Request) error {
	t, err := h.findTargeting(r)
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// deleteTargeting removes the targeting with the path's id; 404 otherwise.
func (h *Handler) deleteTargeting(w http.ResponseWriter, r *http.Request) error {
	t, err := h.findTargeting(r)
	if err != nil {
		return err
	}
	if t.ID != r.PathValue("id") {
		return errNoTargeting
	}
	if err := h.DB.DeleteSetting(r.Context(), "", jwtTargetingName); err != nil {
		return err
	}
	return api.NoContent(w)
}
