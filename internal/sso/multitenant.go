package sso

import (
	"context"
	"errors"
	"slices"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Which configuration speaks for an email domain, under the environment's
// domain policy (bypassDomainCrossValidation) and multiple-SSO-per-domain
// setting (see domainPolicy and multiTenantPolicy in settings.go).

// configurationsFor returns the enabled configurations that speak for domain,
// oldest first: those holding it validated, or, when the domain policy
// bypasses domain cross-validation and none holds it validated, those that
// claim it.
func (h *Handler) configurationsFor(ctx context.Context, domain string) ([]*store.SSOConfiguration, error) {
	p, err := h.loadDomainPolicy(ctx)
	if err != nil {
		return nil, err
	}
	return h.DB.FindSSOConfigurationsByDomain(ctx, domain, p.BypassDomainCrossValidation)
}

// speaksFor reports whether c's IdP may assert addresses at domain: c holds
// the domain validated, or c claims it and is among configurationsFor's
// answer (the domain policy bypasses cross-validation and nobody proved the
// domain). An account's IdP never speaks for a domain its configuration does
// not claim.
func (h *Handler) speaksFor(ctx context.Context, c *store.SSOConfiguration, domain string) (bool, error) {
	claimed := false
	for _, d := range c.Domains {
		if d.Domain == domain {
			if d.Validated {
				return true, nil
			}
			claimed = true
		}
	}
	if !claimed {
		return false, nil
	}
	cs, err := h.configurationsFor(ctx, domain)
	return slices.ContainsFunc(cs, func(x *store.SSOConfiguration) bool { return x.ID == c.ID }), err
}

// chooseConfiguration picks, among the configurations cs that speak for the
// domain of email (oldest first), the one whose IdP prelogin sends the user
// to, or returns errNoSSO:
//
//   - when the login names an account (tenantId, which the login box takes
//     from the login route's ?tenantId=), that account's oldest configuration;
//   - when every one of cs is one account's, that account's oldest;
//   - when they are several accounts' and the environment lets accounts share
//     SSO domains, Frontegg's multitenancy SSO rules: with useActiveTenant an
//     existing user goes to the account they last worked in (their active
//     account, while still a member), when it is among them; otherwise
//     unspecifiedTenantStrategy decides: FIRST_CREATED picks the oldest
//     configuration, BLOCK answers errNoSSO, so the client goes on with the
//     account's other login methods (password, passwordless);
//   - when they are several accounts' although sharing is off (they
//     validated the domain while it was on), the oldest: the domain's first
//     holder keeps it.
//
// Whether the user exists changes the answer only through useActiveTenant,
// as Frontegg defines it; with it off, existing and unknown users are
// answered alike.
func (h *Handler) chooseConfiguration(ctx context.Context, cs []*store.SSOConfiguration, email, tenantID string) (*store.SSOConfiguration, error) {
	if tenantID != "" {
		cs = slices.DeleteFunc(slices.Clone(cs), func(c *store.SSOConfiguration) bool { return c.TenantID != tenantID })
	}
	if len(cs) == 0 {
		return nil, errNoSSO
	}
	if !slices.ContainsFunc(cs, func(c *store.SSOConfiguration) bool { return c.TenantID != cs[0].TenantID }) {
		return cs[0], nil
	}
	p, err := h.loadMultiTenantPolicy(ctx)
	if err != nil || !p.Active {
		return cs[0], err
	}
	if p.UseActiveTenant {
		active, err := h.activeAccount(ctx, email)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(cs, func(c *store.SSOConfiguration) bool { return active != "" && c.TenantID == active }); i >= 0 {
			return cs[i], nil
		}
	}
	if p.UnspecifiedTenantStrategy == strategyFirstCreated {
		return cs[0], nil
	}
	return nil, errNoSSO
}

// activeAccount returns the account the user with email last worked in, or
// "" when there is no such user or they are no longer an enabled member of it.
func (h *Handler) activeAccount(ctx context.Context, email string) (string, error) {
	u, err := h.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, iam.ErrNotFound) {
		return "", nil
	}
	if err != nil || u.ActiveTenantID == "" {
		return "", err
	}
	ms, err := h.DB.FindMemberships(ctx, u.ID)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.TenantID == u.ActiveTenantID && !m.Disabled {
			return m.TenantID, nil
		}
	}
	return "", nil
}
