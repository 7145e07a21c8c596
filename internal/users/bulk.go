package users

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// A bulk invitation (POST users/bulk/v1/invite) answers 202 with {taskId}
// at once; the users are invited in the background by whichever node leases
// the task, each as POST users/v2 would (see invite) in a transaction of its
// own that also records its outcome, so a crash loses or repeats nothing and
// one user's failure does not stop the others. GET users/bulk/v1/status/{id}
// shows the task's status (NotStarted, InProgress, Completed or
// CompletedWithErrors) and each user's outcome.
//
// A user's request may hold a password, so it is stored sealed and erased as
// soon as the user is processed.

const (
	maxBulkUsers = 1000
	bulkLease    = 5 * time.Minute // a task whose node stopped is resumed after this
)

func bulkAAD(taskID string, index int) string {
	return "bulk-invite/" + taskID + "/" + strconv.Itoa(index)
}

// bulkInvite stores the task and answers 202 {taskId}.
func (h *Handler) bulkInvite(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := requireTenant(r)
	if err != nil {
		return err
	}
	var req struct {
		Users []json.RawMessage `json:"users"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if len(req.Users) == 0 || len(req.Users) > maxBulkUsers {
		return iam.Invalid("users must hold between 1 and %d users", maxBulkUsers)
	}
	ctx := r.Context()
	if _, err := h.DB.FindTenant(ctx, tenantID); errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Tenant not found")
	} else if err != nil {
		return err
	}
	b := &store.BulkInvite{ID: uuid.NewString(), TenantID: tenantID, CreatedAt: h.Now()}
	for i, raw := range req.Users {
		var who struct {
			Email string `json:"email"`
		}
		json.Unmarshal(raw, &who)
		b.Users = append(b.Users, store.BulkInviteUser{Index: i, Email: strings.TrimSpace(who.Email),
			Request: h.Sealer.Seal(raw, bulkAAD(b.ID, i))})
	}
	if err := h.DB.CreateBulkInvite(ctx, b); err != nil {
		return err
	}
	h.wakeBulk()
	return api.JSON(w, http.StatusAccepted, map[string]string{"taskId": b.ID})
}

type bulkUserJSON struct {
	Index  int    `json:"index"`
	Email  string `json:"email"`
	Status string `json:"status"`
	UserID string `json:"userId,omitempty"`
	Error  string `json:"error,omitempty"`
}

type bulkStatusJSON struct {
	ID             string         `json:"id"`
	TenantID       string         `json:"tenantId"`
	Status         string         `json:"status"`
	TotalUsers     int            `json:"totalUsers"`
	ProcessedUsers int            `json:"processedUsers"`
	FailedUsers    int            `json:"failedUsers"`
	CreatedAt      time.Time      `json:"createdAt"`
	UpdatedAt      time.Time      `json:"updatedAt"`
	Users          []bulkUserJSON `json:"users"`
}

// bulkInviteStatus answers a task's status and every user's outcome.
func (h *Handler) bulkInviteStatus(w http.ResponseWriter, r *http.Request) error {
	b, err := h.DB.FindBulkInvite(r.Context(), r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Bulk invitation not found")
	}
	if err != nil {
		return err
	}
	out := bulkStatusJSON{ID: b.ID, TenantID: b.TenantID, Status: b.Status, TotalUsers: b.Total, CreatedAt: b.CreatedAt,
		UpdatedAt: b.UpdatedAt, Users: make([]bulkUserJSON, len(b.Users))}
	for i, u := range b.Users {
		out.Users[i] = bulkUserJSON{Index: u.Index, Email: u.Email, Status: u.Status, UserID: u.UserID, Error: u.Error}
		if u.Status != store.BulkUserPending {
			out.ProcessedUsers++
		}
		if u.Status == store.BulkUserFailed {
			out.FailedUsers++
		}
	}
	return api.OK(w, out)
}

func (h *Handler) wakeBulk() {
	h.bulkOnce.Do(func() { h.bulkWake = make(chan struct{}, 1) })
	select {
	case h.bulkWake <- struct{}{}:
	default:
	}
}

// Run processes bulk invitations until ctx ends: every BulkInterval, and at
// once when a task is created on this node.
func (h *Handler) Run(ctx context.Context) {
	h.bulkOnce.Do(func() { h.bulkWake = make(chan struct{}, 1) })
	interval := h.BulkInterval
	if interval <= 0 {
		interval = time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			done, err := h.ProcessBulkInvite(ctx)
			if err != nil && ctx.Err() == nil {
				h.Log.Warn("bulk invite: process", "err", err)
			}
			if !done || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-h.bulkWake:
		}
	}
}

// ProcessBulkInvite leases one due task and invites its pending users, and
// reports whether there was one.
func (h *Handler) ProcessBulkInvite(ctx context.Context) (bool, error) {
	now := h.Now()
	b, err := h.DB.ClaimBulkInvite(ctx, now, now.Add(bulkLease))
	if errors.Is(err, iam.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// The task is the vendor's: its users are invited with the vendor's rights.
	vctx := api.WithPrincipal(ctx, &iam.Principal{Kind: iam.CallerVendor, TenantID: b.TenantID})
	for _, u := range b.Users {
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		h.inviteBulkUser(vctx, b, u)
		if err := h.DB.ExtendBulkInviteLease(ctx, b.ID, h.Now().Add(bulkLease)); err != nil {
			return true, err
		}
	}
	status, err := h.DB.CompleteBulkInvite(ctx, b.ID, h.Now())
	if err != nil {
		return true, err
	}
	h.Log.Info("bulk invite done", "task", b.ID, "tenant", b.TenantID, "users", b.Total, "status", status)
	return true, nil
}

// inviteBulkUser invites one user of b and records the outcome: with the
// invitation when it succeeds, on its own when it fails (unless another node
// recorded it meanwhile).
func (h *Handler) inviteBulkUser(ctx context.Context, b *store.BulkInvite, u store.BulkInviteUser) {
	result := store.BulkInviteUser{Index: u.Index, Status: store.BulkUserSuccess}
	err := h.openBulkRequest(b, u, func(req *createRequest) error {
		_, err := h.invite(ctx, b.TenantID, req, inviteOptions{bulk: true, then: func(tx *store.Tx, user *iam.User) error {
			result.UserID = user.ID
			return tx.FinishBulkInviteUser(ctx, b.ID, result, h.Now())
		}})
		return err
	})
	if err == nil {
		return
	}
	result.Status, result.UserID, result.Error = store.BulkUserFailed, "", publicMessage(err)
	if iam.KindOf(err) == iam.KindInternal {
		h.Log.Error("bulk invite: user failed", "task", b.ID, "index", u.Index, "err", err)
	}
	if err := h.DB.FinishBulkInviteUser(context.WithoutCancel(ctx), b.ID, result, h.Now()); err != nil && !errors.Is(err, iam.ErrNotFound) {
		h.Log.Error("bulk invite: record failure", "task", b.ID, "index", u.Index, "err", err)
	}
}

// openBulkRequest unseals and decodes u's request and calls fn with it.
func (h *Handler) openBulkRequest(b *store.BulkInvite, u store.BulkInviteUser, fn func(*createRequest) error) error {
	raw, err := h.Sealer.Open(u.Request, bulkAAD(b.ID, u.Index))
	if err != nil {
		return err
	}
	var req createRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return iam.Invalid("user %d must be an object with an email", u.Index)
	}
	return fn(&req)
}

// publicMessage is what a user's outcome may say about err.
func publicMessage(err error) string {
	var e *iam.Error
	if errors.As(err, &e) && e.Kind != iam.KindInternal {
		return e.Message
	}
	if k := iam.KindOf(err); k == iam.KindNotFound {
		return "Not found"
	} else if k == iam.KindConflict {
		return "Conflict"
	}
	return "Internal error"
}
