package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Severities, as Frontegg's audit log names them.
const (
	Info     = "Info"
	Medium   = "Medium"
	High     = "High"
	Critical = "Critical"
	Error    = "Error"
)

// Outcomes.
const (
	Success = "success"
	Failure = "failure"
)

// Actions: the names the audit log shows. Every package records its events
// under one of these, so that the log can be filtered by action.
const (
	ActionLogin           = "User logged in"
	ActionLoginFailed     = "User login failed"
	ActionLoginRestricted = "User login refused by IP restriction"
	ActionLogout          = "User logged out"
	ActionRefreshReused   = "Refresh token reused"
	ActionSessionEnded    = "Session ended"
	ActionSettingsChanged = "Settings changed"
	ActionLockout         = "User locked out"
	ActionLocked          = "User locked" // by the vendor
	ActionUnlock          = "User unlocked"
	ActionMFAChanged      = "MFA changed"
	ActionPasswordChanged = "Password changed"
	ActionTokenCreated    = "Token created"
	ActionTokenDeleted    = "Token deleted"
	ActionRoleChanged     = "User roles changed"
	ActionCustom          = "Custom event"
)

// Event is one security event. Fields left empty are filled in by Record:
// Severity (Info), Outcome (success), IP (the request's client address) and
// the actor and account (the authenticated caller of the request, if any).
type Event struct {
	TenantID   string // the account; "" for environment-wide events
	UserID     string // the user the event is about
	Email      string
	ActorID    string // who did it; set it when the caller is not the actor (a login is done by its user)
	ActorType  string // user, apiToken or vendor
	ActorEmail string
	Action     string // one of the Action constants, or a vendor's own for custom events
	Resource   string // the area: Authentication, Sessions, Security policies, …
	Severity   string
	Outcome    string
	IP         string
	UserAgent  string
	Data       map[string]any // details, shown as the entry's json
}

// Recorder writes events to the audit log. A nil Recorder records nothing,
// so packages can be built without one in tests of their own.
type Recorder struct {
	DB  *store.DB
	Now func() time.Time
}

// Record writes e on its own. It returns the storage error, if any: callers
// treat a security event that cannot be recorded as a failure of the request.
func (r *Recorder) Record(ctx context.Context, e Event) error {
	if r == nil {
		return nil
	}
	row, err := r.row(ctx, e)
	if err != nil {
		return err
	}
	return r.DB.CreateAuditEvent(ctx, row)
}

// RecordTx writes e inside tx, so that it is recorded if and only if the
// change it describes commits.
func (r *Recorder) RecordTx(ctx context.Context, tx *store.Tx, e Event) error {
	if r == nil {
		return nil
	}
	row, err := r.row(ctx, e)
	if err != nil {
		return err
	}
	return tx.CreateAuditEvent(ctx, row)
}

func (r *Recorder) row(ctx context.Context, e Event) (*store.AuditEvent, error) {
	if e.Action == "" {
		return nil, fmt.Errorf("audit event without action")
	}
	if e.Severity == "" {
		e.Severity = Info
	}
	if e.Outcome == "" {
		e.Outcome = Success
	}
	if e.IP == "" {
		e.IP = api.ClientIP(ctx)
	}
	if p := api.PrincipalFrom(ctx); p != nil {
		if e.ActorID == "" {
			e.ActorID, e.ActorType, e.ActorEmail = actorOf(p)
		}
		if e.TenantID == "" {
			e.TenantID = p.TenantID
		}
	}
	data := []byte("{}")
	if len(e.Data) > 0 {
		var err error
		if data, err = json.Marshal(e.Data); err != nil {
			return nil, fmt.Errorf("audit event data: %w", err)
		}
	}
	return &store.AuditEvent{
		ID: uuid.NewString(), TenantID: e.TenantID, UserID: e.UserID, Email: e.Email,
		ActorID: e.ActorID, ActorType: e.ActorType, ActorEmail: e.ActorEmail,
		Action: e.Action, Resource: e.Resource, Severity: e.Severity, Outcome: e.Outcome,
		IP: e.IP, UserAgent: e.UserAgent, Data: string(data), CreatedAt: r.Now(),
	}, nil
}

// Actor types.
const (
	ActorUser     = "user"
	ActorAPIToken = "apiToken"
	ActorVendor   = "vendor"
)

// actorOf names the caller p: its user, its API token (by client id), or the
// environment (by client id).
func actorOf(p *iam.Principal) (id, kind, email string) {
	switch p.Kind {
	case iam.CallerUser:
		return p.UserID, ActorUser, p.Email
	case iam.CallerAPIToken:
		return p.Subject, ActorAPIToken, p.Email
	case iam.CallerVendor:
		return p.Subject, ActorVendor, ""
	}
	return "", "", ""
}
