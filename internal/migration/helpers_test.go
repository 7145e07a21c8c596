package migration_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, for seeding rows no route makes yet

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// server is a Hatch under test with the URL of its database.
type server struct {
	*apitest.Server
	url string
}

// each runs fn against a fresh server on every database.
func each(t *testing.T, fn func(t *testing.T, s *server)) {
	t.Helper()
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		fn(t, &server{Server: apitest.New(t, rawURL), url: rawURL})
	})
}

// exec runs SQL on the server's database directly: roles have no route on
// this branch yet, so tests seed them this way.
func (s *server) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	driver, dsn := "pgx", s.url
	if path, ok := strings.CutPrefix(s.url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

// seedRole makes a role, default or not, environment-wide when tenantID is "".
func (s *server) seedRole(t *testing.T, id, key, tenantID string, isDefault bool) {
	now := time.Now().UnixMicro()
	s.exec(t, `INSERT INTO roles (id, key, name, description, tenant_id, level, is_default, first_user_role, created_at, updated_at)
		VALUES ($1, $2, $3, '', $4, 0, $5, FALSE, $6, $6)`, id, key, key, tenantID, isDefault, now)
}

type status struct {
	MigrationID string `json:"migrationId"`
	State       string `json:"state"`
	Total       int    `json:"total"`
	Migrated    int    `json:"migrated"`
	Failed      int    `json:"failed"`
	Failures    []struct {
		Index    int    `json:"index"`
		Email    string `json:"email"`
		TenantID string `json:"tenantId"`
		Reason   string `json:"reason"`
	} `json:"failures"`
}

// waitStatus polls a status route until the job is completed.
func waitStatus(t *testing.T, c *apitest.Client, path string) status {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st status
		c.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &st)
		if st.State == "completed" || st.State == "failed" {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %s after 30s: %+v", path, st.State, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// user returns the stored user with email, failing the test when there is none.
func (s *server) user(t *testing.T, email string) *iam.User {
	t.Helper()
	u, err := s.DB.FindUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}
