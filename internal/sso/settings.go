package sso

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// The environment's SSO settings (sso.json "SSO settings" and the domains
// policy). Frontegg keeps them per environment: the routes take no
// frontegg-tenant-id, so they are the vendor's and stored as environment
// settings documents (tenant id "").
const (
	excludedEmailsName = "ssoExcludedEmails"
	multiTenantName    = "ssoMultiTenantPolicy"
	domainPolicyName   = "ssoDomainPolicy"
)

// excludedEmails is the addresses that log in without SSO even when their
// domain has an SSO configuration. Addresses are stored lower case.
type excludedEmails struct {
	Emails []string `json:"emails"`
}

type excludeEmailRequest struct {
	Email string `json:"email"`
}

// findSetting decodes the environment document name into v; a document never
// saved leaves v (its defaults) untouched.
func findSetting(ctx context.Context, q interface {
	FindSetting(context.Context, string, string, any) error
}, name string, v any) error {
	if err := q.FindSetting(ctx, "", name, v); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	return nil
}

// loadExcludedEmails returns the excluded addresses, never nil.
func (h *Handler) loadExcludedEmails(ctx context.Context) (excludedEmails, error) {
	out := excludedEmails{Emails: []string{}}
	err := findSetting(ctx, h.DB, excludedEmailsName, &out)
	return out, err
}

// excludedFromSSO reports whether email is excluded from SSO.
func (h *Handler) excludedFromSSO(ctx context.Context, email string) (bool, error) {
	ex, err := h.loadExcludedEmails(ctx)
	if err != nil {
		return false, err
	}
	return slices.Contains(ex.Emails, strings.ToLower(email)), nil
}

// getExcludedEmails answers {emails: [...]}.
func (h *Handler) getExcludedEmails(w http.ResponseWriter, r *http.Request) error {
	ex, err := h.loadExcludedEmails(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, ex)
}

// excludeEmail adds an address to the excluded ones (adding one already there
// changes nothing) and answers the list.
func (h *Handler) excludeEmail(w http.ResponseWriter, r *http.Request) error {
	var req excludeEmailRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		return iam.Invalid("email is required")
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return iam.Invalid("email must be an email")
	}
	email = strings.ToLower(email)
	out := excludedEmails{Emails: []string{}}
	err := h.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := findSetting(r.Context(), tx, excludedEmailsName, &out); err != nil {
			return err
		}
		if slices.Contains(out.Emails, email) {
			return nil
		}
		out.Emails = append(out.Emails, email)
		return tx.SaveSetting(r.Context(), "", excludedEmailsName, out, h.Now())
	})
	if err != nil {
		return err
	}
	return api.Created(w, out)
}

// deleteExcludedEmail removes an address from the excluded ones, or answers
// 404 when it is not there.
func (h *Handler) deleteExcludedEmail(w http.ResponseWriter, r *http.Request) error {
	email := strings.ToLower(strings.TrimSpace(r.PathValue("email")))
	err := h.DB.InTx(r.Context(), func(tx *store.Tx) error {
		out := excludedEmails{Emails: []string{}}
		if err := findSetting(r.Context(), tx, excludedEmailsName, &out); err != nil {
			return err
		}
		i := slices.Index(out.Emails, email)
		if i < 0 {
			return iam.NotFound("%s is not excluded from SSO", email)
		}
		out.Emails = slices.Delete(out.Emails, i, i+1)
		return tx.SaveSetting(r.Context(), "", excludedEmailsName, out, h.Now())
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// Unspecified-tenant strategies: what a login matching configurations of
// several accounts does when no account was named.
const (
	strategyBlock        = "BLOCK"
	strategyFirstCreated = "FIRST_CREATED"
)

var unspecifiedTenantStrategies = []string{strategyBlock, strategyFirstCreated}

// multiTenantPolicy is CreateSSOPerTenantConfigRequest, Frontegg's
// "multitenancy SSO": Active lets several accounts each hold the same SSO
// domain validated (one configuration per account; store.ValidateSSODomain
// enforces it). The other two fields decide which account's IdP a prelogin
// sends a user of such a domain to when it names no account (chooseConfiguration):
// UseActiveTenant sends an existing user to the IdP of the account they
// last worked in, when that account holds the domain; otherwise
// UnspecifiedTenantStrategy applies: BLOCK answers that there is no SSO (the
// client goes on with a password or passwordless), FIRST_CREATED picks the
// configuration created first.
type multiTenantPolicy struct {
	Active                    bool   `json:"active"`
	UnspecifiedTenantStrategy string `json:"unspecifiedTenantStrategy"`
	UseActiveTenant           bool   `json:"useActiveTenant"`
}

type multiTenantRequest struct {
	Active                    *bool   `json:"active"`
	UnspecifiedTenantStrategy *string `json:"unspecifiedTenantStrategy"`
	UseActiveTenant           *bool   `json:"useActiveTenant"`
}

// loadMultiTenantPolicy returns the stored policy, or the default: off, BLOCK.
func (h *Handler) loadMultiTenantPolicy(ctx context.Context) (multiTenantPolicy, error) {
	p := multiTenantPolicy{UnspecifiedTenantStrategy: strategyBlock}
	err := findSetting(ctx, h.DB, multiTenantName, &p)
	return p, err
}

func (h *Handler) getMultiTenantPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadMultiTenantPolicy(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, p)
}

// saveMultiTenantPolicy replaces the policy; every field is required.
func (h *Handler) saveMultiTenantPolicy(w http.ResponseWriter, r *http.Request) error {
	var req multiTenantRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.UnspecifiedTenantStrategy == nil:
		return iam.Invalid("unspecifiedTenantStrategy is required")
	case !slices.Contains(unspecifiedTenantStrategies, *req.UnspecifiedTenantStrategy):
		return iam.Invalid("unspecifiedTenantStrategy must be one of %s", strings.Join(unspecifiedTenantStrategies, ", "))
	case req.Active == nil:
		return iam.Invalid("active is required")
	case req.UseActiveTenant == nil:
		return iam.Invalid("useActiveTenant is required")
	}
	p := multiTenantPolicy{Active: *req.Active, UnspecifiedTenantStrategy: *req.UnspecifiedTenantStrategy, UseActiveTenant: *req.UseActiveTenant}
	if err := h.DB.SaveSetting(r.Context(), "", multiTenantName, p, h.Now()); err != nil {
		return err
	}
	return api.Created(w, p)
}

// domainPolicy is CreateSSODomainConfigurationRequest: how accounts prove
// their SSO domains. Hatch reads the fields as Frontegg describes them (its
// Terraform provider's documentation; sso.json only names them):
//
//   - AllowVerifiedUsersToAddDomains: a user whose own verified email is at a
//     claimed domain validates it without DNS (validateDomainByEmail).
//   - SkipDomainVerification: new claims are created validated, and the
//     validate routes mark a claim validated without looking for the TXT
//     record. Claims made before it was turned on stay as they are until
//     validated through those routes.
//   - BypassDomainCrossValidation: SSO logins go through a domain that a
//     configuration claims but has not validated: prelogin sends its users to
//     the IdP, and the IdP's answer is accepted for addresses at the domain.
//     A domain some configuration holds validated is still spoken for by its
//     holders only. Turning it on lets an account admin's IdP speak for any
//     address of a domain they type in, existing users included: it suits
//     environments whose accounts all trust each other.
//
// Turning a flag off never takes back a validation made while it was on.
type domainPolicy struct {
	AllowVerifiedUsersToAddDomains bool `json:"allowVerifiedUsersToAddDomains"`
	SkipDomainVerification         bool `json:"skipDomainVerification"`
	BypassDomainCrossValidation    bool `json:"bypassDomainCrossValidation"`
}

type domainPolicyRequest struct {
	AllowVerifiedUsersToAddDomains *bool `json:"allowVerifiedUsersToAddDomains"`
	SkipDomainVerification         *bool `json:"skipDomainVerification"`
	BypassDomainCrossValidation    *bool `json:"bypassDomainCrossValidation"`
}

// loadDomainPolicy returns the stored policy, or the default: every flag off.
func (h *Handler) loadDomainPolicy(ctx context.Context) (domainPolicy, error) {
	var p domainPolicy
	err := findSetting(ctx, h.DB, domainPolicyName, &p)
	return p, err
}

func (h *Handler) getDomainPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadDomainPolicy(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, p)
}

// saveDomainPolicy replaces the policy; every field is required.
func (h *Handler) saveDomainPolicy(w http.ResponseWriter, r *http.Request) error {
	var req domainPolicyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.AllowVerifiedUsersToAddDomains == nil:
		return iam.Invalid("allowVerifiedUsersToAddDomains is required")
	case req.SkipDomainVerification == nil:
		return iam.Invalid("skipDomainVerification is required")
	case req.BypassDomainCrossValidation == nil:
		return iam.Invalid("bypassDomainCrossValidation is required")
	}
	p := domainPolicy{AllowVerifiedUsersToAddDomains: *req.AllowVerifiedUsersToAddDomains,
		SkipDomainVerification: *req.SkipDomainVerification, BypassDomainCrossValidation: *req.BypassDomainCrossValidation}
	if err := h.DB.SaveSetting(r.Context(), "", domainPolicyName, p, h.Now()); err != nil {
		return err
	}
	return api.Created(w, p)
}
