package restrictions

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// domainJSON is an email-domain restriction as the API shows it.
type domainJSON struct {
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Type   string `json:"type"`
}

func domainsJSON(list []*store.DomainRestriction) []domainJSON {
	out := make([]domainJSON, len(list))
	for i, d := range list {
		out[i] = domainJSON{ID: d.ID, Domain: d.Domain, Type: d.Type}
	}
	return out
}

// listDomains answers every entry of the account's allow and block lists.
func (h *Handler) listDomains(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	list, err := h.DB.FindDomainRestrictions(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(domainsJSON(list), len(list), max(len(list), 1)))
}

type domainRequest struct {
	Domain string `json:"domain"`
	Type   string `json:"type"`
}

// addDomain adds a domain to the account's allow or block list.
func (h *Handler) addDomain(w http.ResponseWriter, r *http.Request) error {
	var req domainRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	domain, err := policy.NormalizeDomain("domain", req.Domain)
	if err != nil {
		return err
	}
	if err := checkListType("type", req.Type); err != nil {
		return err
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	d := &store.DomainRestriction{ID: uuid.NewString(), TenantID: tenantID, Domain: domain, Type: req.Type, CreatedAt: h.Now()}
	if err := h.DB.CreateDomainRestriction(r.Context(), d); err != nil {
		if errors.Is(err, iam.ErrConflict) {
			return iam.Conflict("%s is already in the account's %s list", domain, req.Type)
		}
		return err
	}
	if err := h.recordChange(r.Context(), tenantID, "Email domain restrictions", map[string]any{"added": domainJSON{d.ID, d.Domain, d.Type}}); err != nil {
		return err
	}
	return api.Created(w, domainJSON{ID: d.ID, Domain: d.Domain, Type: d.Type})
}

// deleteDomain removes an entry of the account's lists.
func (h *Handler) deleteDomain(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.DB.DeleteDomainRestriction(r.Context(), tenantID, id); err != nil {
		if errors.Is(err, iam.ErrNotFound) {
			return iam.NotFound("Domain restriction %s not found", id)
		}
		return err
	}
	if err := h.recordChange(r.Context(), tenantID, "Email domain restrictions", map[string]any{"deleted": id}); err != nil {
		return err
	}
	return api.NoContent(w)
}

type replaceDomainsRequest struct {
	Type    string   `json:"type"`
	Domains []string `json:"domains"`
}

// replaceDomains replaces every entry of the account's lists with domains,
// all of type: all of them or, when one is invalid, none.
func (h *Handler) replaceDomains(w http.ResponseWriter, r *http.Request) error {
	var req replaceDomainsRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := checkListType("type", req.Type); err != nil {
		return err
	}
	if req.Domains == nil {
		return iam.Invalid("domains is required")
	}
	if len(req.Domains) > 1000 {
		return iam.Invalid("domains must hold at most 1000 entries")
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	now := h.Now()
	seen := map[string]bool{}
	list := make([]*store.DomainRestriction, 0, len(req.Domains))
	for i, raw := range req.Domains {
		domain, err := policy.NormalizeDomain(fmt.Sprintf("domains[%d]", i), raw)
		if err != nil {
			return err
		}
		if !seen[domain] {
			seen[domain] = true
			list = append(list, &store.DomainRestriction{ID: uuid.NewString(), TenantID: tenantID, Domain: domain, Type: req.Type, CreatedAt: now})
		}
	}
	if err := h.DB.ReplaceDomainRestrictions(r.Context(), tenantID, list); err != nil {
		return err
	}
	out := domainsJSON(list)
	if err := h.recordChange(r.Context(), tenantID, "Email domain restrictions", map[string]any{"replaced": out}); err != nil {
		return err
	}
	return api.Created(w, out)
}

// getDomainConfig answers the account's email-domain restriction configuration.
func (h *Handler) getDomainConfig(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	cfg, err := h.Domains.Config(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, cfg)
}

type domainConfigRequest struct {
	Active             *bool   `json:"active"`
	BlockPublicDomains *bool   `json:"blockPublicDomains"`
	Type               *string `json:"type"`
}

// saveDomainConfig turns the account's email-domain restrictions on or off,
// picks the list in force and whether public email providers are refused;
// the optional fields left out keep their value.
func (h *Handler) saveDomainConfig(w http.ResponseWriter, r *http.Request) error {
	var req domainConfigRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Active == nil {
		return iam.Invalid("active is required")
	}
	if req.Type != nil {
		if err := checkListType("type", *req.Type); err != nil {
			return err
		}
	}
	tenantID, err := h.account(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cfg, err := h.Domains.Config(ctx, tenantID)
	if err != nil {
		return err
	}
	cfg.Active = *req.Active
	if req.Type != nil {
		cfg.ListType = *req.Type
	}
	if req.BlockPublicDomains != nil {
		cfg.BlockPublicDomains = *req.BlockPublicDomains
	}
	if err := h.DB.SaveSetting(ctx, tenantID, policy.DomainConfigName, cfg, h.Now()); err != nil {
		return err
	}
	if err := h.recordChange(ctx, tenantID, "Email domain restrictions", map[string]any{"config": cfg}); err != nil {
		return err
	}
	return api.Created(w, cfg)
}
