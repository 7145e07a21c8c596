package invitations_test

import (
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/mail/mailtest"
)

const (
	usersV2        = "/identity/resources/users/v2"
	acceptPath     = "/identity/resources/users/v1/invitation/accept"
	acceptCodePath = "/identity/resources/users/v1/invitation/accept/code"
	resendPath     = "/identity/resources/users/v1/invitation/reset"
	resendAllPath  = "/identity/resources/users/v1/invitation/reset/all"
	activatePath   = "/identity/resources/users/v1/activate"
	strategyPath   = "/identity/resources/users/v1/activate/strategy"
	statusesPath   = "/identity/resources/tenants/users/v1/statuses"
	invitesPath    = "/identity/resources/tenants/invites/v1"
	mailWait       = 5 * time.Second
)

// env is a server under test.
type env struct{ *apitest.Server }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) { fn(t, &env{s}) })
}

// member seeds a user of tenantID holding a role of level granting
// permission keys, logs it in and returns the client and the role's id.
func (e *env) member(t *testing.T, tenantID, email string, level int, permissionKeys ...string) (*apitest.Client, string, string) {
	t.Helper()
	u := e.SeedUser(t, tenantID, email, "pw-pw-pw-pw")
	now := e.Clock.Now().UnixMicro()
	roleID := uuid.NewString()
	e.Exec(t, `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default, first_user_role, created_at, updated_at)
		VALUES ($1, $2, $2, '', $3, $4, FALSE, FALSE, $5, $5)`, roleID, "role-"+roleID[:8], tenantID, level, now)
	for _, key := range permissionKeys {
		permID := uuid.NewString()
		e.Exec(t, `INSERT INTO permissions (id, key, name, description, fe_permission, created_at, updated_at)
			VALUES ($1, $2, $2, '', FALSE, $3, $3) ON CONFLICT (key) DO NOTHING`, permID, key, now)
		e.Exec(t, `INSERT INTO role_permissions (role_id, permission_id) SELECT $1, id FROM permissions WHERE key = $2`, roleID, key)
	}
	e.Exec(t, `INSERT INTO user_roles (user_id, tenant_id, role_id, created_at) VALUES ($1, $2, $3, $4)`, u.ID, tenantID, roleID, now)
	c, _ := e.Login(t, email, "pw-pw-pw-pw")
	return c, u.ID, roleID
}

var (
	linkPattern = regexp.MustCompile(`https?://\S+`)
	codePattern = regexp.MustCompile(`enter (\d{6})`)
)

// link is what an invitation email carries.
type link struct {
	URL, UserID, Token, Code string
}

// readLink returns the link to page in m's text, with the code when there is one.
func readLink(t *testing.T, m *mailtest.Message, page string) link {
	t.Helper()
	for _, raw := range linkPattern.FindAllString(m.Text, -1) {
		u, err := url.Parse(raw)
		if err != nil || u.Path != page {
			continue
		}
		l := link{URL: raw, UserID: u.Query().Get("userId"), Token: u.Query().Get("token")}
		if c := codePattern.FindStringSubmatch(m.Text); c != nil {
			l.Code = c[1]
		}
		return l
	}
	t.Fatalf("no link to %s in %q:\n%s", page, m.Subject, m.Text)
	return link{}
}

// invite invites email into tenantID as the vendor and returns the emailed link.
func (e *env) invite(t *testing.T, tenantID, email string) link {
	t.Helper()
	e.Vendor(t).With("frontegg-tenant-id", tenantID).Do(t, "POST", usersV2, map[string]any{"email": email}).Want(t, 201)
	return readLink(t, e.Mail.WaitFor(t, email, mailWait), "/account/invitation/accept")
}

// status returns the membership status of the user in tenantID.
func (e *env) status(t *testing.T, userID, tenantID string) string {
	t.Helper()
	var out []struct {
		TenantsStatuses []struct {
			TenantID string `json:"tenantId"`
			Status   string `json:"status"`
		} `json:"tenantsStatuses"`
	}
	e.Vendor(t).Do(t, "GET", statusesPath+"?userIds="+userID, nil).Want(t, 200).JSON(t, &out)
	for _, u := range out {
		for _, s := range u.TenantsStatuses {
			if s.TenantID == tenantID {
				return s.Status
			}
		}
	}
	return "not a member"
}
