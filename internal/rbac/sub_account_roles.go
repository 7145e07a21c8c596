package rbac

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

type subAccountRolesInput struct {
	SubTenantsRoles []struct {
		TenantID *string  `json:"tenantId"`
		RoleIDs  []string `json:"roleIds"`
	} `json:"subTenantsRoles"`
}

type subAccountRolesJSON struct {
	TenantID string   `json:"tenantId"`
	RoleIDs  []string `json:"roleIds"`
}

type userSubAccountRolesJSON struct {
	UserID          string                `json:"userId"`
	SubTenantsRoles []subAccountRolesJSON `json:"subTenantsRoles"`
}

// addSubAccountRoles gives a user roles in sub-accounts of the caller's
// account (the browser client's addUserRolesForSubTenants).
func (h *Handler) addSubAccountRoles(w http.ResponseWriter, r *http.Request) error {
	return h.changeSubAccountRoles(w, r, func(ids []string) store.RoleChange { return store.RoleChange{Add: ids} })
}

// setSubAccountRoles sets a user's roles in sub-accounts.
func (h *Handler) setSubAccountRoles(w http.ResponseWriter, r *http.Request) error {
	return h.changeSubAccountRoles(w, r, func(ids []string) store.RoleChange { return store.RoleChange{Add: ids, Replace: true} })
}

// removeSubAccountRoles takes roles from a user in sub-accounts.
func (h *Handler) removeSubAccountRoles(w http.ResponseWriter, r *http.Request) error {
	return h.changeSubAccountRoles(w, r, func(ids []string) store.RoleChange { return store.RoleChange{Remove: ids} })
}

// changeSubAccountRoles applies one change per account listed, all or none.
// The caller must be able to act in every account (see scope.Resolver.Reach)
// and, for a user, hold the permissions of every role it gives, takes or sets.
func (h *Handler) changeSubAccountRoles(w http.ResponseWriter, r *http.Request, change func([]string) store.RoleChange) error {
	var in subAccountRolesInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if len(in.SubTenantsRoles) == 0 {
		return iam.Invalid("subTenantsRoles must list an account")
	}
	ctx := r.Context()
	p := api.PrincipalFrom(ctx)
	userID := r.PathValue("userId")
	changes := make([]store.RoleChange, len(in.SubTenantsRoles))
	var roles []string
	for i, st := range in.SubTenantsRoles {
		if st.TenantID == nil || strings.TrimSpace(*st.TenantID) == "" {
			return iam.Invalid("subTenantsRoles.tenantId is required")
		}
		ids, err := api.IDs("subTenantsRoles.roleIds", st.RoleIDs, true)
		if err != nil {
			return err
		}
		tenantID := strings.TrimSpace(*st.TenantID)
		if err := h.Scope.Reach(ctx, p, tenantID); err != nil {
			return err
		}
		changes[i] = change(ids)
		changes[i].TenantID = tenantID
		roles = append(roles, ids...)
	}
	if err := h.Scope.CheckRoleGrant(ctx, p, roles); err != nil {
		return err
	}
	err := h.changeRoles(ctx, userID, changes)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User or role not found in the account")
	}
	if err != nil {
		return err
	}
	out := userSubAccountRolesJSON{UserID: userID, SubTenantsRoles: make([]subAccountRolesJSON, len(changes))}
	for i, c := range changes {
		held, err := h.DB.FindMemberRoles(ctx, userID, c.TenantID)
		if err != nil {
			return err
		}
		ids := []string{}
		for _, role := range held {
			ids = append(ids, role.ID)
		}
		out.SubTenantsRoles[i] = subAccountRolesJSON{TenantID: c.TenantID, RoleIDs: ids}
	}
	return api.OK(w, out)
}
