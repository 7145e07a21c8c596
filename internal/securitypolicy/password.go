package securitypolicy

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// passwordConfigRequest is the body of POST configurations/v1/password;
// absent fields keep their value.
type passwordConfigRequest struct {
	AllowPassphrases       *bool `json:"allowPassphrases"`
	MaxLength              *int  `json:"maxLength"`
	MinLength              *int  `json:"minLength"`
	MinPhraseLength        *int  `json:"minPhraseLength"`
	MinOptionalTestsToPass *int  `json:"minOptionalTestsToPass"`
	BlockPwnedPasswords    *bool `json:"blockPwnedPasswords"`
	OptionalTests          *struct {
		RequireLowercase    *bool `json:"requireLowercase"`
		RequireUppercase    *bool `json:"requireUppercase"`
		RequireNumbers      *bool `json:"requireNumbers"`
		RequireSpecialChars *bool `json:"requireSpecialChars"`
	} `json:"optionalTests"`
	RequiredTests *struct {
		CheckThreeRepeatedChars *bool `json:"checkThreeRepeatedChars"`
	} `json:"requiredTests"`
}

func (req *passwordConfigRequest) apply(c *policy.PasswordConfig) {
	setIf(&c.AllowPassphrases, req.AllowPassphrases)
	setIf(&c.MaxLength, req.MaxLength)
	setIf(&c.MinLength, req.MinLength)
	setIf(&c.MinPhraseLength, req.MinPhraseLength)
	setIf(&c.MinOptionalTestsToPass, req.MinOptionalTestsToPass)
	setIf(&c.BlockPwnedPasswords, req.BlockPwnedPasswords)
	if t := req.OptionalTests; t != nil {
		setIf(&c.OptionalTests.RequireLowercase, t.RequireLowercase)
		setIf(&c.OptionalTests.RequireUppercase, t.RequireUppercase)
		setIf(&c.OptionalTests.RequireNumbers, t.RequireNumbers)
		setIf(&c.OptionalTests.RequireSpecialChars, t.RequireSpecialChars)
	}
	if t := req.RequiredTests; t != nil {
		setIf(&c.RequiredTests.CheckThreeRepeatedChars, t.CheckThreeRepeatedChars)
	}
}

// savePasswordConfig creates or changes the password complexity policy of the
// caller's scope and answers 201 with it. Accounts may have their own only
// when the core setting allowOverridePasswordComplexity is on (403 otherwise).
func (h *Handler) savePasswordConfig(w http.ResponseWriter, r *http.Request) error {
	var req passwordConfigRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	d, err := h.Policies.PasswordConfig.Save(r.Context(), tenantID, req.apply)
	if err != nil {
		return err
	}
	return api.Created(w, d.Policy)
}

// getPasswordConfig returns the password complexity policy that applies in
// the caller's scope.
func (h *Handler) getPasswordConfig(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.scope(r)
	if err != nil {
		return err
	}
	c, err := h.Policies.PasswordConfig.Effective(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// userPasswordConfig returns the password rules a user must follow: the
// strictest across the accounts of the userId query parameter's user, else
// of the calling user, else the environment's. An unknown userId gets the
// environment's rules, as a user in no account would.
func (h *Handler) userPasswordConfig(w http.ResponseWriter, r *http.Request) error {
	userID := r.URL.Query().Get("userId")
	if p := api.PrincipalFrom(r.Context()); userID == "" && p != nil && p.Kind == iam.CallerUser {
		userID = p.UserID
	}
	c, err := h.Passwords.Config(r.Context(), nil, userID)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}
