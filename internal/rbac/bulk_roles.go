package rbac

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// A bulk role task whose worker has not advanced it for this long is taken
// over by another (its node stopped).
const bulkStaleAfter = time.Minute

type bulkInput struct {
	AddRoleIDs    []string `json:"addRoleIds"`
	RemoveRoleIDs []string `json:"removeRoleIds"`
	TenantIDs     []string `json:"tenantIds"`
}

// bulkJSON answers PATCH …/roles/bulk: Frontegg's synchronous answer, plus
// the task's id and status, which GET …/bulk-roles/status/{taskId} reports on.
type bulkJSON struct {
	UserID          string   `json:"userId"`
	AffectedTenants int      `json:"affectedTenants"`
	RolesAdded      []string `json:"rolesAdded"`
	RolesRemoved    []string `json:"rolesRemoved"`
	TaskID          string   `json:"taskId"`
	Status          string   `json:"status"`
}

// bulkUpdateRoles adds and removes a user's roles in the accounts listed (by
// default every account it belongs to), one account at a time: an account
// that fails is recorded in the task and the others go on. Up to
// BulkSyncLimit accounts are done before answering; more run in the
// background, and the answer reports the task as not started.
func (h *Handler) bulkUpdateRoles(w http.ResponseWriter, r *http.Request) error {
	var in bulkInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	add, err := api.IDs("addRoleIds", orEmpty(in.AddRoleIDs), true)
	if err != nil {
		return err
	}
	remove, err := api.IDs("removeRoleIds", orEmpty(in.RemoveRoleIDs), true)
	if err != nil {
		return err
	}
	if len(add)+len(remove) == 0 {
		return iam.Invalid("addRoleIds or removeRoleIds must list a role")
	}
	ctx := r.Context()
	userID := r.PathValue("userId")
	if _, err := h.DB.FindUser(ctx, userID); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User not found")
	} else if err != nil {
		return err
	}
	roles, _, err := h.DB.FindRoles(ctx, store.RoleFilter{IDs: append(append([]string{}, add...), remove...), AllTenants: true, Unpaged: true})
	if err != nil {
		return err
	}
	if len(roles) != len(uniqueIDs(add, remove)) {
		return iam.NotFound("Role not found")
	}
	tenants := in.TenantIDs
	if tenants != nil {
		if tenants, err = api.IDs("tenantIds", tenants, false); err != nil {
			return err
		}
	} else {
		ms, err := h.DB.FindMemberships(ctx, userID)
		if err != nil {
			return err
		}
		tenants = []string{}
		for _, m := range ms {
			tenants = append(tenants, m.TenantID)
		}
	}
	now := h.Now()
	task := &store.BulkRoleTask{ID: uuid.NewString(), UserID: userID, TenantIDs: tenants, AddRoleIDs: add, RemoveRoleIDs: remove,
		CreatedAt: now, UpdatedAt: now}
	if err := h.DB.CreateBulkRoleTask(ctx, task); err != nil {
		return err
	}
	out := bulkJSON{UserID: userID, AffectedTenants: len(tenants), RolesAdded: add, RolesRemoved: remove, TaskID: task.ID, Status: task.Status}
	if len(tenants) > h.syncLimit() {
		h.wakeRunner()
		return api.OK(w, out)
	}
	claimed, err := h.DB.ClaimBulkRoleTaskByID(ctx, task.ID, now)
	if errors.Is(err, iam.ErrNotFound) { // the background runner was quicker
		out.Status = store.TaskInProgress
		return api.OK(w, out)
	}
	if err != nil {
		return err
	}
	if err := h.runBulkTask(ctx, claimed); err != nil {
		return err
	}
	out.AffectedTenants, out.Status = claimed.Succeeded, claimed.Status
	return api.OK(w, out)
}

func orEmpty(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

func uniqueIDs(lists ...[]string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		for _, id := range l {
			out[id] = true
		}
	}
	return out
}

func (h *Handler) syncLimit() int {
	if h.BulkSyncLimit > 0 {
		return h.BulkSyncLimit
	}
	return 10
}

// runBulkTask does the rest of a claimed task, account by account, and marks
// it done. It stops early, leaving the task to be taken over, when the
// context ends or another worker has taken the task.
func (h *Handler) runBulkTask(ctx context.Context, t *store.BulkRoleTask) error {
	for t.Processed < len(t.TenantIDs) {
		if err := ctx.Err(); err != nil {
			return err
		}
		stepErr, err := h.DB.RunBulkRoleStep(ctx, t, h.Now(), func(tx *store.Tx, tenantID string) error {
			// The vendor asked for the task; it may run after the request, without its caller.
			return h.changeRolesIn(ctx, tx, t.UserID, []store.RoleChange{{TenantID: tenantID, Add: t.AddRoleIDs, Remove: t.RemoveRoleIDs}},
				audit.Event{ActorID: h.VendorID, ActorType: audit.ActorVendor})
		})
		if errors.Is(err, store.ErrTaskTaken) {
			return nil
		}
		if err != nil {
			return err
		}
		if stepErr != nil {
			h.Log.Info("bulk role update failed in one account", "task", t.ID, "user", t.UserID,
				"tenant", t.TenantIDs[t.Processed-1], "err", stepErr)
		}
	}
	return h.DB.FinishBulkRoleTask(ctx, t, h.Now())
}

type bulkStatusJSON struct {
	ID               string                `json:"id"`
	UserID           string                `json:"userId"`
	Status           string                `json:"status"`
	TotalTenants     int                   `json:"totalTenants"`
	ProcessedTenants int                   `json:"processedTenants"`
	AddedRoleIDs     []string              `json:"addedRoleIds"`
	RemovedRoleIDs   []string              `json:"removedRoleIds"`
	Errors           []store.BulkRoleError `json:"errors"`
}

func (h *Handler) bulkRolesStatus(w http.ResponseWriter, r *http.Request) error {
	t, err := h.DB.FindBulkRoleTask(r.Context(), r.PathValue("taskId"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Task not found")
	}
	if err != nil {
		return err
	}
	return api.OK(w, bulkStatusJSON{ID: t.ID, UserID: t.UserID, Status: t.Status, TotalTenants: len(t.TenantIDs),
		ProcessedTenants: t.Processed, AddedRoleIDs: t.AddRoleIDs, RemovedRoleIDs: t.RemoveRoleIDs, Errors: t.Errors})
}

func (h *Handler) wakeChan() chan struct{} {
	h.wakeOnce.Do(func() { h.wake = make(chan struct{}, 1) })
	return h.wake
}

func (h *Handler) wakeRunner() {
	select {
	case h.wakeChan() <- struct{}{}:
	default:
	}
}

// Run works through queued bulk role tasks until ctx ends: when a request
// queues one, and every BulkPollInterval for tasks a stopped node left
// behind. Several nodes may run it; each task goes to one at a time.
func (h *Handler) Run(ctx context.Context) {
	interval := h.BulkPollInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			now := h.Now()
			t, err := h.DB.ClaimBulkRoleTask(ctx, now, now.Add(-bulkStaleAfter))
			if errors.Is(err, iam.ErrNotFound) {
				break
			}
			if err == nil {
				err = h.runBulkTask(ctx, t)
			}
			if err != nil && ctx.Err() == nil {
				h.Log.Error("bulk role task", "err", err)
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-h.wakeChan():
		}
	}
}
