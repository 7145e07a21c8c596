package restrictions

import (
	"context"
	"errors"

	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
)

// IPCheck is the login check (login.Check and login.RefreshCheck) that
// refuses logins and refreshes from addresses the IP restrictions of the
// account being entered do not allow, with policy.ErrIPRestricted (403), and
// records each refusal in the audit log. It runs after the first factor has
// succeeded, so the refusal tells nothing to someone without the password.
type IPCheck struct {
	Rules *policy.IPRestrictions
	Audit *audit.Recorder
}

// CheckLogin implements login.Check.
func (c *IPCheck) CheckLogin(ctx context.Context, a *login.Attempt, tenantID string) error {
	return c.check(ctx, a, tenantID, "login")
}

// CheckRefresh implements login.RefreshCheck.
func (c *IPCheck) CheckRefresh(ctx context.Context, a *login.Attempt, tenantID string) error {
	return c.check(ctx, a, tenantID, "refresh")
}

func (c *IPCheck) check(ctx context.Context, a *login.Attempt, tenantID, stage string) error {
	err := c.Rules.Check(ctx, tenantID, a.IP)
	if !errors.Is(err, policy.ErrIPRestricted) {
		return err
	}
	refusal := audit.Event{TenantID: tenantID, UserID: a.User.ID, Email: a.User.Email, ActorID: a.User.ID,
		ActorType: audit.ActorUser, ActorEmail: a.User.Email, Action: audit.ActionLoginRestricted, Resource: "Authentication",
		Severity: audit.High, Outcome: audit.Failure, IP: a.IP, UserAgent: a.UserAgent, Data: map[string]any{"stage": stage}}
	if rerr := c.Audit.Record(ctx, refusal); rerr != nil {
		return rerr
	}
	return err
}
