package subaccounts

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

func nodes(ns []store.HierarchyNode) []nodeJSON {
	out := make([]nodeJSON, len(ns))
	for i, n := range ns {
		out[i] = nodeJSON{TenantID: n.Tenant.TenantID, TenantName: n.Tenant.Name, Status: status(n.Tenant), CreatedAt: n.Tenant.CreatedAt, Level: n.Depth}
	}
	return out
}

// listSubAccounts lists every sub-account of the request's account, at any depth.
func (h *Handler) listSubAccounts(w http.ResponseWriter, r *http.Request) error {
	root, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	ns, err := h.DB.FindDescendants(r.Context(), root)
	if err != nil {
		return err
	}
	return api.OK(w, nodes(ns))
}

// tree answers the request's account with its sub-accounts, nested.
func (h *Handler) tree(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	root, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	t, err := h.DB.FindTenant(ctx, root)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Account not found")
	}
	if err != nil {
		return err
	}
	ns, err := h.DB.FindDescendants(ctx, root)
	if err != nil {
		return err
	}
	children := map[string][]*iam.Tenant{}
	for _, n := range ns {
		children[n.Tenant.ParentTenantID] = append(children[n.Tenant.ParentTenantID], n.Tenant)
	}
	var build func(t *iam.Tenant) treeJSON
	build = func(t *iam.Tenant) treeJSON {
		out := treeJSON{TenantID: t.TenantID, TenantName: t.Name, Status: status(t), CreatedAt: t.CreatedAt, Children: []treeJSON{}}
		for _, c := range children[t.TenantID] {
			out.Children = append(out.Children, build(c))
		}
		return out
	}
	return api.OK(w, build(t))
}

// parents lists the parent accounts of the request's account, nearest first.
func (h *Handler) parents(w http.ResponseWriter, r *http.Request) error {
	root, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	ns, err := h.DB.FindAncestors(r.Context(), root)
	if err != nil {
		return err
	}
	return api.OK(w, nodes(ns))
}

// parentsOf lists the parents of an account the caller manages.
func (h *Handler) parentsOf(w http.ResponseWriter, r *http.Request) error {
	t, err := h.managed(r.Context(), r.PathValue("tenantId"), true)
	if err != nil {
		return err
	}
	ns, err := h.DB.FindAncestors(r.Context(), t.TenantID)
	if err != nil {
		return err
	}
	return api.OK(w, nodes(ns))
}

type searchMetadataJSON struct {
	IsParent bool `json:"isParent"`
}

type searchItemJSON struct {
	TenantID             string             `json:"tenantId"`
	Name                 string             `json:"name"`
	CreatedAt            time.Time          `json:"createdAt"`
	Metadata             searchMetadataJSON `json:"metadata"`
	IsReseller           bool               `json:"isReseller"`
	SubAccountAccessType string             `json:"subAccountAccessType"`
}

// search pages through sub-accounts of the request's account, or of the
// sub-account _subTenantId: its direct sub-accounts, or with _filter every
// sub-account below it whose name or id contains the text.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := api.ParsePaging(r, 20)
	if err != nil {
		return err
	}
	sortBy := cmp.Or(p.SortBy, "createdAt")
	switch sortBy {
	case "createdAt", "name", "tenantId":
	default:
		return iam.Invalid("_sortBy must be one of createdAt, name, tenantId")
	}
	root, err := h.Scope.Tenant(r)
	if err != nil {
		return err
	}
	if sub := r.URL.Query().Get("_subTenantId"); sub != "" && sub != root {
		below, err := h.DB.IsDescendant(ctx, root, sub)
		if err != nil {
			return err
		}
		if !below {
			return errNotFound
		}
		root = sub
	}
	ns, err := h.DB.FindDescendants(ctx, root)
	if err != nil {
		return err
	}
	parents := map[string]bool{}
	for _, n := range ns {
		parents[n.Tenant.ParentTenantID] = true
	}
	filter := strings.ToLower(p.Filter)
	var found []*iam.Tenant
	for _, n := range ns {
		t := n.Tenant
		if filter == "" && n.Depth == 1 || filter != "" && (strings.Contains(strings.ToLower(t.Name), filter) || strings.Contains(strings.ToLower(t.TenantID), filter)) {
			found = append(found, t)
		}
	}
	slices.SortStableFunc(found, func(a, b *iam.Tenant) int {
		var c int
		switch sortBy {
		case "name":
			c = strings.Compare(a.Name, b.Name)
		case "tenantId":
			c = strings.Compare(a.TenantID, b.TenantID)
		default:
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		if p.Desc {
			return -c
		}
		return c
	})
	total := len(found)
	page := found[min(p.Offset, total):min(p.Offset+p.Limit, total)]
	items := make([]searchItemJSON, len(page))
	for i, t := range page {
		settings, err := h.Scope.HierarchySettings(ctx, t.TenantID)
		if err != nil {
			return err
		}
		items[i] = searchItemJSON{TenantID: t.TenantID, Name: t.Name, CreatedAt: t.CreatedAt, IsReseller: t.IsReseller,
			Metadata: searchMetadataJSON{IsParent: parents[t.TenantID]}, SubAccountAccessType: settings.SubAccountAccessType}
	}
	return api.OK(w, api.NewList(items, total, p.Limit))
}

type metadataJSON struct {
	TenantID        string `json:"tenantId"`
	TotalSubTenants int    `json:"totalSubTenants"`
	IsParent        bool   `json:"isParent"`
}

// metadata counts the sub-accounts of each account in _tenantIds that the
// caller manages; others are left out.
func (h *Handler) metadata(w http.ResponseWriter, r *http.Request) error {
	ids := api.QueryList(r, "_tenantIds")
	if len(ids) == 0 {
		return iam.Invalid("_tenantIds is required")
	}
	ctx := r.Context()
	var mine []string
	for _, id := range ids {
		if _, err := h.managed(ctx, id, true); errors.Is(err, errNotFound) {
			continue
		} else if err != nil {
			return err
		}
		mine = append(mine, id)
	}
	counts, err := h.DB.CountDescendants(ctx, mine)
	if err != nil {
		return err
	}
	out := make([]metadataJSON, len(mine))
	for i, id := range mine {
		out[i] = metadataJSON{TenantID: id, TotalSubTenants: counts[id], IsParent: counts[id] > 0}
	}
	return api.OK(w, out)
}
