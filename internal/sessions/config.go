package sessions

import (
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// level returns whose configuration a call reads or sets: "" for the
// environment (the vendor without frontegg-tenant-id), else the account's. A
// vendor naming no existing account gets a 404.
func (h *Handler) level(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	if p.IsVendor() && p.TenantID == "" {
		return "", nil
	}
	tenantID, err := api.Account(r.Context())
	if err != nil {
		return "", err
	}
	if p.IsVendor() {
		if _, err := h.DB.FindTenant(r.Context(), tenantID); errors.Is(err, iam.ErrNotFound) {
			return "", iam.NotFound("Account %s not found", tenantID)
		} else if err != nil {
			return "", err
		}
	}
	return tenantID, nil
}

// getConfig answers the configuration in force for the account, or the
// environment's.
func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := h.level(r)
	if err != nil {
		return err
	}
	cfg, err := h.Sessions.Config(r.Context(), tenantID)
	if err != nil {
		return err
	}
	return api.OK(w, cfg)
}

// getVendorConfig answers the environment's configuration.
func (h *Handler) getVendorConfig(w http.ResponseWriter, r *http.Request) error {
	cfg, err := h.Sessions.Config(r.Context(), "")
	if err != nil {
		return err
	}
	return api.OK(w, cfg)
}

type timeoutRequest struct {
	IsActive *bool `json:"isActive"`
	Timeout  *int  `json:"timeout"`
}

func (t *timeoutRequest) part(name string) (*policy.SessionTimeout, error) {
	switch {
	case t == nil:
		return nil, nil
	case t.IsActive == nil:
		return nil, iam.Invalid("%s.isActive is required", name)
	case t.Timeout == nil:
		return nil, iam.Invalid("%s.timeout is required", name)
	}
	return &policy.SessionTimeout{IsActive: *t.IsActive, Timeout: *t.Timeout}, nil
}

type concurrentRequest struct {
	IsActive    *bool `json:"isActive"`
	MaxSessions *int  `json:"maxSessions"`
}

type configRequest struct {
	Idle       *timeoutRequest    `json:"sessionIdleTimeoutConfiguration"`
	Absolute   *timeoutRequest    `json:"sessionTimeoutConfiguration"`
	Concurrent *concurrentRequest `json:"sessionConcurrentConfiguration"`
}

func (req *configRequest) patch() (policy.SessionConfig, error) {
	var c policy.SessionConfig
	var err error
	if c.Idle, err = req.Idle.part("sessionIdleTimeoutConfiguration"); err != nil {
		return c, err
	}
	if c.Absolute, err = req.Absolute.part("sessionTimeoutConfiguration"); err != nil {
		return c, err
	}
	if m := req.Concurrent; m != nil {
		switch {
		case m.IsActive == nil:
			return c, iam.Invalid("sessionConcurrentConfiguration.isActive is required")
		case m.MaxSessions == nil:
			return c, iam.Invalid("sessionConcurrentConfiguration.maxSessions is required")
		}
		c.Concurrent = &policy.SessionConcurrent{IsActive: *m.IsActive, MaxSessions: *m.MaxSessions}
	}
	return c, nil
}

// saveConfig sets the parts of the configuration the body holds, for the
// account or the environment, and answers the configuration now in force.
// New limits apply to logins from now on; the timeouts also to the next
// refresh of sessions already open.
func (h *Handler) saveConfig(w http.ResponseWriter, r *http.Request) error {
	var req configRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	patch, err := req.patch()
	if err != nil {
		return err
	}
	tenantID, err := h.level(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cfg, err := h.Sessions.Save(ctx, tenantID, patch)
	if err != nil {
		return err
	}
	err = h.Audit.Record(ctx, audit.Event{TenantID: tenantID, Action: audit.ActionSettingsChanged, Resource: "Session configuration",
		Severity: audit.Medium, Data: map[string]any{"configuration": patch}})
	if err != nil {
		return err
	}
	return api.Created(w, cfg)
}
