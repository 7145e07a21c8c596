package migration

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Migrator turns rows into users or accounts, a batch per transaction. It
// hashes nothing: imported password hashes are stored as they came.
type Migrator struct {
	DB     *store.DB
	Sealer *secure.Sealer
	Now    func() time.Time
}

// Job kinds.
const (
	KindUsers   = "users"
	KindTenants = "tenants"
)

// outcome is the result of one row of a batch, with the user made.
type outcome struct {
	result store.MigrationResult
	err    *rowError
	user   *iam.User
}

// migrateUsers migrates a batch of staged user rows inside tx: every check
// that needs the database is one query for the whole batch, and the users
// go in with multi-row inserts. A bad row is reported and skipped; only a
// database failure returns an error.
func (m *Migrator) migrateUsers(ctx context.Context, tx *store.Tx, jobID, sourceID string, rows []store.MigrationRow) ([]outcome, error) {
	now := m.Now()
	out := make([]outcome, len(rows))
	checkedRows := make([]*checked, len(rows))
	for i, row := range rows {
		out[i].result.Index = row.Index
		r, rerr := decodeRow(row.Payload)
		if r != nil {
			out[i].result.Item = rowEmailOf(r)
		}
		if rerr == nil {
			checkedRows[i], rerr = m.check(r, now)
		}
		if rerr != nil {
			out[i].err = rerr
			out[i].result.Reason = rerr.msg
		}
	}
	return out, m.insertChecked(ctx, tx, jobID, sourceID, checkedRows, out)
}

// insertChecked runs the checks that need the database on the checked rows
// (nil entries are rows that already failed) and inserts the users that pass,
// filling in out.
func (m *Migrator) insertChecked(ctx context.Context, tx *store.Tx, jobID, sourceID string, checkedRows []*checked, out []outcome) error {
	var tenantIDs, roleIDs, emails, usernames []string
	for _, c := range checkedRows {
		if c == nil {
			continue
		}
		c.origin.JobID, c.origin.SourceID = jobID, sourceID
		tenantIDs = append(tenantIDs, c.tenantID)
		roleIDs = append(roleIDs, c.roleIDs...)
		emails = append(emails, c.user.Email)
		if c.user.Username != "" {
			usernames = append(usernames, c.user.Username)
		}
	}
	tenants, err := tx.ExistingTenants(ctx, tenantIDs)
	if err != nil {
		return err
	}
	roleTenant, err := tx.RoleTenants(ctx, roleIDs)
	if err != nil {
		return err
	}
	defaults, err := tx.DefaultRoles(ctx)
	if err != nil {
		return err
	}
	takenEmails, err := tx.ExistingEmails(ctx, emails)
	if err != nil {
		return err
	}
	takenNames, err := tx.ExistingUsernames(ctx, usernames)
	if err != nil {
		return err
	}
	var batch []store.MigratedUser
	var batchRows []int
	for i, c := range checkedRows {
		if c == nil {
			continue
		}
		email, name := strings.ToLower(c.user.Email), strings.ToLower(c.user.Username)
		switch {
		case !tenants[c.tenantID]:
			out[i].err = &rowError{kind: iam.KindNotFound, msg: "tenant " + c.tenantID + " not found"}
		case takenEmails[email]:
			out[i].err = &rowError{kind: iam.KindConflict, msg: "a user with this email already exists"}
		case name != "" && takenNames[name]:
			out[i].err = &rowError{kind: iam.KindConflict, msg: "a user with this username already exists"}
		}
		if out[i].err == nil {
			c.origin.RoleIDs, out[i].err = rolesFor(c, roleTenant, defaults)
		}
		if out[i].err != nil {
			continue
		}
		takenEmails[email] = true // a later row of the batch with the same email fails
		if name != "" {
			takenNames[name] = true
		}
		c.origin.User, c.origin.TenantID = c.user, c.tenantID
		batch = append(batch, c.origin)
		batchRows = append(batchRows, i)
	}
	inserted, err := tx.InsertMigratedUsers(ctx, batch)
	if err != nil {
		return err
	}
	for k, i := range batchRows {
		if inserted[k] {
			out[i].user = batch[k].User
			out[i].result.RefID = batch[k].User.ID
		} else { // taken by a concurrent write since the check
			out[i].err = &rowError{kind: iam.KindConflict, msg: "a user with this email or username already exists"}
		}
	}
	for i := range out {
		if out[i].err != nil {
			out[i].result.Reason = out[i].err.msg
		}
	}
	return nil
}

// rolesFor returns the roles a row's user gets: the ones it names, which must
// be environment-wide or the tenant's own, else the default roles usable there.
func rolesFor(c *checked, roleTenant, defaults map[string]string) ([]string, *rowError) {
	if len(c.roleIDs) == 0 {
		var ids []string
		for id, tenant := range defaults {
			if tenant == "" || tenant == c.tenantID {
				ids = append(ids, id)
			}
		}
		return ids, nil
	}
	for _, id := range c.roleIDs {
		tenant, ok := roleTenant[id]
		if !ok || (tenant != "" && tenant != c.tenantID) {
			return nil, &rowError{kind: iam.KindNotFound, msg: "role " + id + " not found"}
		}
	}
	return c.roleIDs, nil
}

func rowEmailOf(r *userRow) string {
	for _, e := range r.Emails {
		if e.Primary {
			return e.Email
		}
	}
	if r.Email == "" && len(r.Emails) > 0 {
		return r.Emails[0].Email
	}
	return r.Email
}

// tenantRow is one account of an account migration: Frontegg's route takes
// account ids; an object with a name and metadata is accepted too.
type tenantRow struct {
	TenantID string   `json:"tenantId"`
	Name     string   `json:"name"`
	Metadata jsonText `json:"metadata"`
}

// migrateTenants makes the accounts of a batch that do not exist yet. An
// account that exists already counts as migrated, so a migration can be
// run again after a partial failure.
func (m *Migrator) migrateTenants(ctx context.Context, tx *store.Tx, rows []store.MigrationRow) ([]outcome, error) {
	now := m.Now()
	out := make([]outcome, len(rows))
	var tenants []*iam.Tenant
	for i, row := range rows {
		out[i].result.Index = row.Index
		var t tenantRow
		if err := json.Unmarshal([]byte(row.Payload), &t.TenantID); err != nil {
			if err := json.Unmarshal([]byte(row.Payload), &t); err != nil {
				out[i].err = invalid("each account must be an account id or an object with tenantId")
				out[i].result.Reason = out[i].err.msg
				continue
			}
		}
		t.TenantID = strings.TrimSpace(t.TenantID)
		out[i].result.Item = t.TenantID
		switch {
		case t.TenantID == "":
			out[i].err = invalid("tenantId is required")
		case len(t.TenantID) > 255:
			out[i].err = invalid("tenantId must be at most 255 characters")
		case t.Metadata != "" && !jsonObject(string(t.Metadata)):
			out[i].err = invalid("metadata must be a JSON object string")
		}
		if out[i].err != nil {
			out[i].result.Reason = out[i].err.msg
			continue
		}
		name, metadata := t.Name, string(t.Metadata)
		if name == "" {
			name = t.TenantID
		}
		if metadata == "" {
			metadata = "{}"
		}
		tenants = append(tenants, &iam.Tenant{ID: uuid.NewString(), TenantID: t.TenantID, Name: name, Metadata: metadata,
			CreatedAt: now, UpdatedAt: now})
		out[i].result.RefID = t.TenantID
	}
	if _, err := tx.InsertTenantsIfMissing(ctx, tenants); err != nil {
		return nil, err
	}
	return out, nil
}
