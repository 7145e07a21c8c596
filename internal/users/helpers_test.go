package users_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// env is a server under test with a side door to its database, for the
// roles and permissions no route of this package creates.
type env struct {
	*apitest.Server
	raw *sql.DB
}

// each runs fn against a fresh server on every database.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		s := apitest.New(t, rawURL)
		driver, dsn := "pgx", rawURL
		if path, ok := strings.CutPrefix(rawURL, "sqlite:"); ok {
			driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, &env{Server: s, raw: raw})
	})
}

// seedRole creates a role in tenantID ("" for the whole environment)
// granting permission keys it creates as needed, and returns the role's id.
func (e *env) seedRole(t *testing.T, tenantID, key string, isDefault bool, permissionKeys ...string) string {
	t.Helper()
	now := e.Clock.Now().UnixMicro()
	roleID := uuid.NewString()
	e.exec(t, `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default, first_user_role, created_at, updated_at)
		VALUES ($1, $2, $3, '', $4, 0, $5, FALSE, $6, $6)`, roleID, key, strings.ToUpper(key), tenantID, isDefault, now)
	for _, pk := range permissionKeys {
		var permID string
		err := e.raw.QueryRowContext(context.Background(), `SELECT id FROM permissions WHERE key = $1`, pk).Scan(&permID)
		if err == sql.ErrNoRows {
			permID = uuid.NewString()
			e.exec(t, `INSERT INTO permissions (id, key, name, description, fe_permission, created_at, updated_at)
				VALUES ($1, $2, $2, '', FALSE, $3, $3)`, permID, pk, now)
		} else if err != nil {
			t.Fatal(err)
		}
		e.exec(t, `INSERT INTO role_permissions (role_id, permission_id) VALUES ($1, $2)`, roleID, permID)
	}
	return roleID
}

// grant gives the user roleID in tenantID.
func (e *env) grant(t *testing.T, userID, tenantID, roleID string) {
	t.Helper()
	e.exec(t, `INSERT INTO user_roles (user_id, tenant_id, role_id, created_at) VALUES ($1, $2, $3, $4)`,
		userID, tenantID, roleID, e.Clock.Now().UnixMicro())
}

func (e *env) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := e.raw.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// admin seeds a user of tenantID holding every users permission there and
// returns a client logged in as it.
func (e *env) admin(t *testing.T, tenantID, email string) (*apitest.Client, *iam.User) {
	t.Helper()
	u := e.SeedUser(t, tenantID, email, "pw-pw-pw-pw")
	role := e.seedRole(t, tenantID, "admin-"+uuid.NewString()[:8], false,
		"fe.secure.read.users", "fe.secure.write.users", "fe.secure.delete.users", "fe.secure.write.enableDisable", "fe.secure.write.updateUser")
	e.grant(t, u.ID, tenantID, role)
	c, _ := e.Login(t, email, "pw-pw-pw-pw")
	return c, u
}

// asTenant returns the vendor client acting in tenantID.
func (e *env) asTenant(t *testing.T, tenantID string) *apitest.Client {
	return e.Vendor(t).With("frontegg-tenant-id", tenantID)
}

// user is the part of the user shape tests read.
type user struct {
	ID                 string   `json:"id"`
	Sub                string   `json:"sub"`
	Email              string   `json:"email"`
	Name               string   `json:"name"`
	Username           string   `json:"username"`
	PhoneNumber        string   `json:"phoneNumber"`
	ProfilePictureURL  string   `json:"profilePictureUrl"`
	Verified           bool     `json:"verified"`
	MFABypass          bool     `json:"mfaBypass"`
	Provider           string   `json:"provider"`
	TenantID           string   `json:"tenantId"`
	TenantIDs          []string `json:"tenantIds"`
	ActivatedForTenant bool     `json:"activatedForTenant"`
	IsLocked           bool     `json:"isLocked"`
	IsDisabled         bool     `json:"isDisabled"`
	Invisible          bool     `json:"invisible"`
	SuperUser          bool     `json:"superUser"`
	Metadata           string   `json:"metadata"`
	VendorMetadata     string   `json:"vendorMetadata"`
	ExternalID         string   `json:"externalId"`
	CreatedAt          string   `json:"createdAt"`
	LastLogin          string   `json:"lastLogin"`
	Temporary          string   `json:"temporaryExpirationDate"`
	Roles              []role   `json:"roles"`
	Permissions        []struct {
		ID      string   `json:"id"`
		Key     string   `json:"key"`
		RoleIDs []string `json:"roleIds"`
	} `json:"permissions"`
	Tenants []struct {
		TenantID   string `json:"tenantId"`
		Roles      []role `json:"roles"`
		IsDisabled bool   `json:"isDisabled"`
	} `json:"tenants"`
}

type role struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	VendorID    string   `json:"vendorId"`
	Permissions []string `json:"permissions"`
}

type page[T any] struct {
	Items    []T `json:"items"`
	Metadata struct {
		TotalItems int `json:"totalItems"`
		TotalPages int `json:"totalPages"`
	} `json:"_metadata"`
}

// waitCode returns the six-digit code of the next email to rcpt.
func (e *env) waitCode(t *testing.T, rcpt string) string {
	t.Helper()
	m := e.Mail.WaitFor(t, rcpt, 5*time.Second)
	i := strings.Index(m.Text, "enter this code: ")
	if i < 0 {
		t.Fatalf("no code in email to %s: %q", rcpt, m.Text)
	}
	return m.Text[i+len("enter this code: ") : i+len("enter this code: ")+6]
}

const mePath = "/identity/resources/users/v2/me"
