package migration

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// migrateUser migrates one user at once and answers it (201). A bad field is
// a 400, an unknown tenant or role a 404, a taken email or username a 409.
func (h *Handler) migrateUser(w http.ResponseWriter, r *http.Request) error {
	var row userRow
	if err := api.Decode(r, &row); err != nil {
		return err
	}
	ctx := r.Context()
	row.AuthenticatorAppMfaSecret = trimSealedPrefix(row.AuthenticatorAppMfaSecret)
	c, rerr := h.Migrator.check(&row, h.Now())
	if rerr != nil {
		return iam.Errorf(rerr.kind, "%s", rerr.msg)
	}
	out := make([]outcome, 1)
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		return h.Migrator.insertChecked(ctx, tx, "", "", []*checked{c}, out)
	})
	if err != nil {
		return err
	}
	if out[0].err != nil {
		return iam.Errorf(out[0].err.kind, "%s", out[0].err.msg)
	}
	res, err := h.userResponse(ctx, out[0].user, c)
	if err != nil {
		return err
	}
	return api.Created(w, res)
}

// trimSealedPrefix keeps a caller from passing a value that would be taken
// for a seed Hatch sealed itself.
func trimSealedPrefix(s string) string {
	if len(s) >= len(sealedPrefix) && s[:len(sealedPrefix)] == sealedPrefix {
		return s[len(sealedPrefix):]
	}
	return s
}

type bulkRequest struct {
	Users []json.RawMessage `json:"users"`
}

type migrationIDResponse struct {
	MigrationID string `json:"migrationId"`
}

// bulkMigrateUsers queues the users (v1: email; v2: emails) as one job and
// answers 202 with its id at once. Rows are checked one by one when the job
// runs; a bad row is reported in the status and never stops the job.
func (h *Handler) bulkMigrateUsers(w http.ResponseWriter, r *http.Request) error {
	var req bulkRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if len(req.Users) == 0 {
		return iam.Invalid("users must be a non-empty array")
	}
	payloads := make([]string, len(req.Users))
	for i, raw := range req.Users {
		payloads[i] = h.Migrator.stageUser(raw)
	}
	id, err := h.enqueue(r.Context(), KindUsers, payloads)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusAccepted, migrationIDResponse{MigrationID: id})
}

// enqueue stores a pending job with its rows in one transaction and wakes
// this node's worker.
func (h *Handler) enqueue(ctx context.Context, kind string, payloads []string) (string, error) {
	id, err := h.Migrator.Enqueue(ctx, kind, payloads)
	if err == nil && h.Worker != nil {
		h.Worker.Wake()
	}
	return id, err
}

// Enqueue stores a pending job of kind with its rows, in one transaction.
func (m *Migrator) Enqueue(ctx context.Context, kind string, payloads []string) (string, error) {
	now := m.Now()
	job := &store.MigrationJob{ID: uuid.NewString(), Kind: kind, State: store.JobPending, CreatedAt: now, UpdatedAt: now}
	rows := make([]store.MigrationRow, len(payloads))
	for i, p := range payloads {
		rows[i] = store.MigrationRow{Index: i, Payload: p}
	}
	err := m.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMigrationJob(ctx, job); err != nil {
			return err
		}
		return tx.AddMigrationRows(ctx, job.ID, rows, now)
	})
	return job.ID, err
}

// statusResponse is a bulk job's progress (identity-api.md §14).
type statusResponse struct {
	MigrationID string         `json:"migrationId"`
	State       string         `json:"state"`
	Total       int            `json:"total"`
	Migrated    int            `json:"migrated"`
	Failed      int            `json:"failed"`
	Failures    []failureEntry `json:"failures"`
	CreatedAt   time.Time      `json:"createdAt"`
	FinishedAt  *time.Time     `json:"finishedAt,omitempty"`
}

type failureEntry struct {
	Index    int    `json:"index"`
	Email    string `json:"email,omitempty"`
	TenantID string `json:"tenantId,omitempty"`
	Reason   string `json:"reason"`
}

// maxFailuresShown caps the failures in a status answer, as Frontegg's does.
const maxFailuresShown = 1000

func (h *Handler) bulkStatus(w http.ResponseWriter, r *http.Request) error {
	return h.status(w, r, KindUsers)
}

func (h *Handler) tenantsStatus(w http.ResponseWriter, r *http.Request) error {
	return h.status(w, r, KindTenants)
}

// status answers a job of kind's progress; a job of another kind is not found.
func (h *Handler) status(w http.ResponseWriter, r *http.Request, kind string) error {
	ctx := r.Context()
	id := r.PathValue("migrationId")
	job, err := h.DB.FindMigrationJob(ctx, id)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err != nil || job.Kind != kind {
		return iam.NotFound("Migration %s not found", id)
	}
	failures, err := h.DB.FindMigrationFailures(ctx, id, maxFailuresShown)
	if err != nil {
		return err
	}
	res := statusResponse{MigrationID: job.ID, State: job.State, Total: job.Total, Migrated: job.Migrated, Failed: job.Failed,
		Failures: make([]failureEntry, len(failures)), CreatedAt: job.CreatedAt, FinishedAt: job.FinishedAt}
	if res.State == store.JobStaging {
		res.State = store.JobPending
	}
	for i, f := range failures {
		res.Failures[i] = failureEntry{Index: f.Index, Reason: f.Reason}
		if kind == KindTenants {
			res.Failures[i].TenantID = f.Item
		} else {
			res.Failures[i].Email = f.Item
		}
	}
	return api.OK(w, res)
}

func isNotFound(err error) bool { return iam.KindOf(err) == iam.KindNotFound }
