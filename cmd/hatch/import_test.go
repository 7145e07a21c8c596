package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

func TestImportCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		getenv := func(k string) string {
			if k == "HATCH_MASTER_KEY" && !strings.HasPrefix(dbURL, "sqlite:") {
				return "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio="
			}
			return ""
		}
		ctx := context.Background()
		var out bytes.Buffer
		if err := run(ctx, []string{"migrate", "--database-url", dbURL}, getenv, &out, &out); err != nil {
			t.Fatal(err, out.String())
		}
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		now := time.Now()
		if err := db.CreateTenant(ctx, &iam.Tenant{ID: "t1", TenantID: "t1", Name: "T", Metadata: "{}", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		jsonl := filepath.Join(dir, "users.jsonl")
		os.WriteFile(jsonl, []byte(`{"tenantId":"t1","email":"a@example.com","passwordHash":"5f4dcc3b5aa765d61d8327deb882cf99","passwordHashType":"md5","verifyUser":true}

{"tenantId":"t1","email":"broken"}
{"tenantId":"t2","email":"b@example.com"}
`), 0o600)
		csvFile := filepath.Join(dir, "users.csv")
		os.WriteFile(csvFile, []byte("email,tenantId,name,verifyUser,roleIds\nc@example.com,t1,Cee,true,\nd@example.com,t1,Dee,maybe,\n"), 0o600)

		for _, tc := range []struct {
			file string
			want []string
		}{
			{jsonl, []string{"3 rows, 1 migrated, 2 failed", "row 2 (broken): email must be an email", "row 3 (b@example.com): tenant t2 not found"}},
			{csvFile, []string{"2 rows, 1 migrated, 1 failed", "row 2 (d@example.com): verifyUser has the wrong type"}},
		} {
			out.Reset()
			if err := run(ctx, []string{"import", tc.file, "--database-url", dbURL, "--log-level", "error"}, getenv, &out, &out); err != nil {
				t.Fatal(err, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("import %s output lacks %q:\n%s", filepath.Base(tc.file), w, out.String())
				}
			}
			if !strings.Contains(out.String(), "\rimported ") {
				t.Errorf("no progress line:\n%s", out.String())
			}
		}
		for _, email := range []string{"a@example.com", "c@example.com"} {
			if _, err := db.FindUserByEmail(ctx, email); err != nil {
				t.Errorf("%s not imported: %v", email, err)
			}
		}
		if u, _ := db.FindUserByEmail(ctx, "a@example.com"); u == nil || !strings.HasPrefix(u.PasswordHash, "$md5$prefix$$") {
			t.Errorf("imported hash %+v", u)
		}
		if err := run(ctx, []string{"import"}, getenv, &out, &out); err == nil {
			t.Error("import without a file accepted")
		}
		if err := run(ctx, []string{"import", filepath.Join(dir, "missing.csv"), "--database-url", dbURL}, getenv, &out, &out); err == nil {
			t.Error("import of a missing file accepted")
		}
	})
}
