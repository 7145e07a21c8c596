package subaccounts

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

type attachInput struct {
	ParentTenantID *string `json:"parentTenantId"`
	ChildTenantID  *string `json:"childTenantId"`
}

type hierarchyNodeJSON struct {
	ID       string `json:"id"`
	VendorID string `json:"vendorId"`
	TenantID string `json:"tenantId"`
	ParentID string `json:"parentId"`
}

// attach makes an existing account a sub-account of another.
func (h *Handler) attach(w http.ResponseWriter, r *http.Request) error {
	var in attachInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	for field, v := range map[string]*string{"parentTenantId": in.ParentTenantID, "childTenantId": in.ChildTenantID} {
		if v == nil || strings.TrimSpace(*v) == "" {
			return iam.Invalid("%s is required", field)
		}
	}
	ctx := r.Context()
	parent, child := strings.TrimSpace(*in.ParentTenantID), strings.TrimSpace(*in.ChildTenantID)
	err := h.DB.SetTenantParent(ctx, child, parent, h.Now())
	switch {
	case errors.Is(err, store.ErrHierarchyCycle):
		return iam.Invalid("parentTenantId must not be childTenantId or one of its sub-accounts")
	case errors.Is(err, iam.ErrNotFound):
		return iam.NotFound("Account not found")
	case err != nil:
		return err
	}
	t, err := h.DB.FindTenant(ctx, child)
	if err != nil {
		return err
	}
	return api.OK(w, hierarchyNodeJSON{ID: t.ID, VendorID: h.VendorID, TenantID: t.TenantID, ParentID: parent})
}

type detachInput struct {
	ChildTenantID *string `json:"childTenantId"`
	TenantID      *string `json:"tenantId"`
}

// detach takes a sub-account out of the hierarchy: it becomes an account of
// its own. The body names it as childTenantId (or tenantId).
func (h *Handler) detach(w http.ResponseWriter, r *http.Request) error {
	var in detachInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	id := in.ChildTenantID
	if id == nil {
		id = in.TenantID
	}
	if id == nil || strings.TrimSpace(*id) == "" {
		return iam.Invalid("childTenantId is required")
	}
	ctx := r.Context()
	t, err := h.DB.FindTenant(ctx, strings.TrimSpace(*id))
	if errors.Is(err, iam.ErrNotFound) || err == nil && t.ParentTenantID == "" {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if err := h.DB.SetTenantParent(ctx, t.TenantID, "", h.Now()); err != nil {
		return err
	}
	return api.NoContent(w)
}
