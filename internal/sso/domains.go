package sso

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// domainResponse is ISSODomain. txtRecord is the value the account publishes
// in a DNS TXT record of the domain to prove it owns it.
type domainResponse struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	Validated bool   `json:"validated"`
	TXTRecord string `json:"txtRecord"`
}

type domainRequest struct {
	Domain string `json:"domain"`
}

// txtPrefix starts every verification record Hatch asks for.
const txtPrefix = "hatch-sso-verification="

var domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// createDomain claims an email domain for a configuration. The claim counts
// for logins only once validated, which it is from the start when the
// environment's domain policy skips domain verification (409 then when
// another configuration holds the domain, as validateDomain answers).
func (h *Handler) createDomain(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var req domainRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	domain := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(req.Domain)), ".")
	if domain == "" {
		return iam.Invalid("domain is required")
	}
	if len(domain) > 253 || !domainRE.MatchString(domain) {
		return iam.Invalid("domain must be a domain name such as example.com")
	}
	policy, err := h.loadDomainPolicy(r.Context())
	if err != nil {
		return err
	}
	shared, err := h.sharedDomains(r.Context())
	if err != nil {
		return err
	}
	d := &store.SSODomain{ID: uuid.NewString(), ConfigurationID: c.ID, Domain: domain, Validated: policy.SkipDomainVerification,
		TXTRecord: txtPrefix + secure.RandomToken(24), CreatedAt: h.Now()}
	switch err := h.DB.CreateSSODomain(r.Context(), d, shared); {
	case errors.Is(err, store.ErrSSODomainHeld):
		return errDomainHeld(domain)
	case errors.Is(err, iam.ErrConflict):
		return iam.Conflict("The SSO configuration already claims %s", domain)
	case err != nil:
		return err
	}
	return api.Created(w, domainResponse{ID: d.ID, Domain: d.Domain, Validated: d.Validated, TXTRecord: d.TXTRecord})
}

// errDomainHeld answers a validation that store.ErrSSODomainHeld refused.
func errDomainHeld(domain string) error {
	return iam.Conflict("%s is already validated by another SSO configuration", domain)
}

// sharedDomains reports whether several accounts may hold one domain
// validated: the environment's multiple-SSO-per-domain setting.
func (h *Handler) sharedDomains(ctx context.Context) (bool, error) {
	p, err := h.loadMultiTenantPolicy(ctx)
	return p.Active, err
}

// deleteDomain drops a claimed domain.
func (h *Handler) deleteDomain(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeleteSSODomain(r.Context(), c.ID, r.PathValue("domainId")); errors.Is(err, iam.ErrNotFound) {
		return errDomainNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

var errDomainNotFound = iam.NotFound("SSO domain not found")

// validateDomain looks the domain's TXT records up and marks the claim
// validated when one of them is the claim's txtRecord; when the environment's
// domain policy skips domain verification, it marks it without looking. 409
// when another configuration holds the domain (see markValidated).
func (h *Handler) validateDomain(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.domain(r)
	if err != nil {
		return err
	}
	policy, err := h.loadDomainPolicy(r.Context())
	if err != nil {
		return err
	}
	if !d.Validated && !policy.SkipDomainVerification {
		records, err := h.Resolver.LookupTXT(r.Context(), d.Domain)
		found := false
		for _, rec := range records {
			if secure.Equal(strings.TrimSpace(rec), d.TXTRecord) {
				found = true
			}
		}
		if !found {
			return &iam.Error{Kind: iam.KindInvalid, Err: err,
				Message: "No TXT record " + d.TXTRecord + " was found on " + d.Domain}
		}
	}
	return h.markValidated(w, r, c, d)
}

// validateDomainByEmail marks a claim validated without DNS because the
// caller's own verified email is at the domain. The environment allows it
// only when its domain policy has allowVerifiedUsersToAddDomains. A vendor
// names the user with frontegg-user-id.
func (h *Handler) validateDomainByEmail(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.domain(r)
	if err != nil {
		return err
	}
	p, err := h.loadDomainPolicy(r.Context())
	if err != nil {
		return err
	}
	if !p.AllowVerifiedUsersToAddDomains {
		return iam.Forbidden("Validating SSO domains by email is not allowed in this environment")
	}
	userID := api.PrincipalFrom(r.Context()).UserID
	if userID == "" {
		return iam.Invalid("frontegg-user-id header is required")
	}
	u, err := h.DB.FindUser(r.Context(), userID)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User not found")
	} else if err != nil {
		return err
	}
	if _, domain, _ := strings.Cut(strings.ToLower(u.Email), "@"); !u.Verified || domain != d.Domain {
		return iam.Invalid("A verified email at %s is required to validate it by email", d.Domain)
	}
	return h.markValidated(w, r, c, d)
}

// domain loads the path's configuration and its claim domainId.
func (h *Handler) domain(r *http.Request) (*store.SSOConfiguration, *store.SSODomain, error) {
	c, err := h.config(r)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range c.Domains {
		if d.ID == r.PathValue("domainId") {
			return c, d, nil
		}
	}
	return nil, nil, errDomainNotFound
}

// markValidated marks d validated and answers it; 409 when another
// configuration holds the domain validated: any other one, or, when the
// environment lets accounts share SSO domains, another of c's account.
func (h *Handler) markValidated(w http.ResponseWriter, r *http.Request, c *store.SSOConfiguration, d *store.SSODomain) error {
	if !d.Validated {
		shared, err := h.sharedDomains(r.Context())
		if err != nil {
			return err
		}
		switch err := h.DB.ValidateSSODomain(r.Context(), c.ID, d.ID, shared); {
		case errors.Is(err, store.ErrSSODomainHeld):
			return errDomainHeld(d.Domain)
		case errors.Is(err, iam.ErrNotFound):
			return errDomainNotFound
		case err != nil:
			return err
		}
	}
	return api.OK(w, domainResponse{ID: d.ID, Domain: d.Domain, Validated: true, TXTRecord: d.TXTRecord})
}

// forceValidateDomain (vendor only) marks claims of a domain validated
// without a DNS check: the oldest claim, unless a configuration already holds
// the domain; when accounts may share SSO domains, the oldest claim of each
// account that does not hold it yet (store.ForceValidateSSODomains).
func (h *Handler) forceValidateDomain(w http.ResponseWriter, r *http.Request) error {
	domain := strings.ToLower(strings.TrimSpace(r.PathValue("domain")))
	shared, err := h.sharedDomains(r.Context())
	if err != nil {
		return err
	}
	switch err := h.DB.ForceValidateSSODomains(r.Context(), domain, shared); {
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("No SSO configuration claims %s", domain)
	case err != nil:
		return err
	}
	return api.NoContent(w)
}
