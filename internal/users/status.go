package users

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/store"
)

// verifyUser marks a user's email verified.
func (h *Handler) verifyUser(w http.ResponseWriter, r *http.Request) error {
	return h.patchUser(w, r, func(u *iam.User) { u.Verified = true })
}

// setInvisible hides a user from the account's user lists, or shows it again.
func (h *Handler) setInvisible(w http.ResponseWriter, r *http.Request) error {
	return h.setFlag(w, r, "invisible", func(u *iam.User, v bool) { u.Invisible = v })
}

// setSuperUser grants or takes away access to every account.
func (h *Handler) setSuperUser(w http.ResponseWriter, r *http.Request) error {
	return h.setFlag(w, r, "superUser", func(u *iam.User, v bool) { u.SuperUser = v })
}

// setFlag sets one flag of the path's user from the body's required boolean field.
func (h *Handler) setFlag(w http.ResponseWriter, r *http.Request, field string, set func(u *iam.User, v bool)) error {
	v, err := decodeFlag(r, field)
	if err != nil {
		return err
	}
	u, err := h.changeUser(r, r.PathValue("userId"), func(_ *store.Tx, u *iam.User) error {
		set(u, v)
		return nil
	})
	if err != nil {
		return err
	}
	return h.writeUser(w, r, http.StatusOK, u, scopeTenant(r))
}

// lockUser locks a user out of every account and ends all its sessions.
// The user's unlock links die: only the vendor lifts the vendor's lock.
func (h *Handler) lockUser(w http.ResponseWriter, r *http.Request) error {
	var ended []string
	ctx := r.Context()
	_, err := h.changeUser(r, r.PathValue("userId"), func(tx *store.Tx, u *iam.User) error {
		u.Locked = true
		if err := tx.DeleteCodes(ctx, u.ID, notify.CodeUnlock, ""); err != nil {
			return err
		}
		var err error
		if ended, err = tx.EndUserSessionsExcept(ctx, u.ID, "", h.Now()); err != nil {
			return err
		}
		return h.recordLock(ctx, tx, u, audit.ActionLocked)
	})
	if err != nil {
		return err
	}
	h.forget(ended)
	return api.NoContent(w)
}

// unlockUser lifts a lock, whether set by the vendor or by failed logins.
func (h *Handler) unlockUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, err := h.changeUser(r, r.PathValue("userId"), func(tx *store.Tx, u *iam.User) error {
		if err := unlock(ctx, tx, u); err != nil {
			return err
		}
		return h.recordLock(ctx, tx, u, audit.ActionUnlock)
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// recordLock records the vendor's lock or unlock of u (the caller is the actor).
func (h *Handler) recordLock(ctx context.Context, tx *store.Tx, u *iam.User, action string) error {
	return h.Audit.RecordTx(ctx, tx, audit.Event{TenantID: u.ActiveTenantID, UserID: u.ID, Email: u.Email,
		Action: action, Resource: "Users", Severity: audit.Medium, Data: map[string]any{"via": "vendor"}})
}

// disableInTenant stops a user from using the scope tenant and ends its sessions there.
func (h *Handler) disableInTenant(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, true)
}

// enableInTenant lets a disabled user use the scope tenant again.
func (h *Handler) enableInTenant(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, false)
}

func (h *Handler) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	tenantID, err := requireTenant(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("userId")
	if _, err := h.userInTenant(ctx, id, tenantID); err != nil {
		return err
	}
	if err := h.DB.SetMembershipDisabled(ctx, id, tenantID, disabled); errors.Is(err, iam.ErrNotFound) {
		return errUserNotFound
	} else if err != nil {
		return err
	}
	if disabled {
		var ended []string
		err := h.DB.InTx(ctx, func(tx *store.Tx) error {
			var err error
			ended, err = tx.EndUserTenantSessions(ctx, id, tenantID, h.Now())
			return err
		})
		if err != nil {
			return err
		}
		h.forget(ended)
	}
	return api.JSON(w, http.StatusCreated, nil)
}

// Membership statuses, as Frontegg names them.
const (
	statusPendingInvitation = "PendingInvitation"
	statusPendingLogin      = "PendingLogin"
	statusActivated         = "Activated"
	statusNotActivated      = "NotActivated"
)

var memberStatuses = []string{statusPendingInvitation, statusPendingLogin, statusActivated, statusNotActivated}

type tenantStatusJSON struct {
	TenantID string `json:"tenantId"`
	Status   string `json:"status"`
}

type userStatusesJSON struct {
	UserID          string             `json:"userId"`
	TenantsStatuses []tenantStatusJSON `json:"tenantsStatuses"`
}

// maxStatusUsers is how many users one statuses call may ask about.
const maxStatusUsers = 200

// userStatuses answers, for each user of ?userIds= that exists, the status of each
// of its memberships, optionally only those in ?userTenantStatuses=.
func (h *Handler) userStatuses(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ids := splitList(q["userIds"])
	if len(ids) == 0 {
		return iam.Invalid("userIds is required")
	}
	if len(ids) > maxStatusUsers {
		return iam.Invalid("userIds must hold at most %d ids", maxStatusUsers)
	}
	want := splitList(q["userTenantStatuses"])
	for _, s := range want {
		if !slices.Contains(memberStatuses, s) {
			return iam.Invalid("userTenantStatuses must be among %s", strings.Join(memberStatuses, ", "))
		}
	}
	ctx := r.Context()
	users, _, err := h.DB.ListUsers(ctx, store.UserQuery{IDs: ids, IncludeInvisible: true, Page: store.Page{Limit: maxStatusUsers}})
	if err != nil {
		return err
	}
	d, err := h.DB.FindUserDetails(ctx, ids)
	if err != nil {
		return err
	}
	out := []userStatusesJSON{}
	for _, u := range users {
		entry := userStatusesJSON{UserID: u.ID, TenantsStatuses: []tenantStatusJSON{}}
		for _, m := range d.Tenants[u.ID] {
			s := memberStatus(u, m.Membership)
			if len(want) == 0 || slices.Contains(want, s) {
				entry.TenantsStatuses = append(entry.TenantsStatuses, tenantStatusJSON{TenantID: m.TenantID, Status: s})
			}
		}
		out = append(out, entry)
	}
	return api.OK(w, out)
}

// memberStatus is a membership's status: invited and not yet accepted, a user
// who cannot log in yet, one who can but never has, or an active one.
func memberStatus(u *iam.User, m iam.Membership) string {
	switch {
	case !m.ActivatedForTenant:
		return statusPendingInvitation
	case u.PasswordHash == "" && u.Provider == "local" && !u.Verified:
		return statusNotActivated
	case u.LastLogin == nil:
		return statusPendingLogin
	}
	return statusActivated
}
