package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

const applicationColumns = `id, name, app_url, login_url, logo_url, access_type, is_default, is_active, type, frontend_stack,
	description, metadata, app_host, allow_dcr, integration_finished_at, redirect_urls, logout_urls, created_at, updated_at`

// scanApplication scans applicationColumns, then into extra the columns the
// query selects after them.
func scanApplication(row interface{ Scan(...any) error }, extra ...any) (*iam.Application, error) {
	var a iam.Application
	var finished sql.NullInt64
	var created, updated int64
	var redirects, logouts string
	dest := append([]any{&a.ID, &a.Name, &a.AppURL, &a.LoginURL, &a.LogoURL, &a.AccessType, &a.IsDefault, &a.IsActive, &a.Type,
		&a.FrontendStack, &a.Description, &a.Metadata, &a.AppHost, &a.AllowDCR, &finished, &redirects, &logouts, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	var err error
	if a.RedirectURLs, err = parseList(redirects); err != nil {
		return nil, fmt.Errorf("application %s redirect urls: %w", a.ID, err)
	}
	if a.LogoutURLs, err = parseList(logouts); err != nil {
		return nil, fmt.Errorf("application %s logout urls: %w", a.ID, err)
	}
	a.IntegrationFinishedAt = timePtr(finished)
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// ApplicationFilter narrows FindApplications; zero fields do not filter.
type ApplicationFilter struct {
	IDs            []string // nil: no limit
	AccessType     string
	IsDefault      *bool
	IsActive       *bool
	Types          []string
	FrontendStacks []string
	Name           string // case-insensitive substring
	ExcludeAgents  bool
	// VisibleTo limits the list to applications a member of this tenant can
	// see: free-access applications not assigned elsewhere only, and those
	// assigned to the tenant.
	VisibleTo string
}

// FindApplications returns the applications that match f, oldest first.
func (db *DB) FindApplications(ctx context.Context, f ApplicationFilter) ([]*iam.Application, error) {
	where, args := ` WHERE 1=1`, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	in := func(col string, vals []string) {
		where += ` AND ` + col + ` IN (` + placeholders(len(args)+1, len(vals)) + `)`
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		in("id", f.IDs)
	}
	if f.AccessType != "" {
		add(`access_type = $%d`, f.AccessType)
	}
	if f.IsDefault != nil {
		add(`is_default = $%d`, *f.IsDefault)
	}
	if f.IsActive != nil {
		add(`is_active = $%d`, *f.IsActive)
	}
	if len(f.Types) > 0 {
		in("type", f.Types)
	}
	if len(f.FrontendStacks) > 0 {
		in("frontend_stack", f.FrontendStacks)
	}
	if f.Name != "" {
		add(`LOWER(name) LIKE $%d ESCAPE '\'`, likePattern(f.Name))
	}
	if f.ExcludeAgents {
		where += ` AND type <> 'agent'`
	}
	if f.VisibleTo != "" {
		add(`(id IN (SELECT app_id FROM application_tenants WHERE tenant_id = $%d)
			OR (access_type = 'FREE_ACCESS' AND id NOT IN (SELECT app_id FROM application_tenants)))`, f.VisibleTo)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications`+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*iam.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindApplication returns the application with id, or iam.ErrNotFound.
func (db *DB) FindApplication(ctx context.Context, id string) (*iam.Application, error) {
	return scanApplication(db.r.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE id = $1`, id))
}

// FindDefaultApplication returns the default application, or iam.ErrNotFound.
func (db *DB) FindDefaultApplication(ctx context.Context) (*iam.Application, error) {
	return scanApplication(db.r.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE is_default = TRUE`))
}

// SaveApplication inserts a or replaces every field but its id and creation
// time. When a is the default, the previous default stops being one.
func (db *DB) SaveApplication(ctx context.Context, a *iam.Application) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if a.IsDefault {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE applications SET is_default = FALSE WHERE is_default = TRUE AND id <> $1`, a.ID); err != nil {
				return err
			}
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO applications (`+applicationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, app_url = excluded.app_url, login_url = excluded.login_url,
				logo_url = excluded.logo_url, access_type = excluded.access_type, is_default = excluded.is_default,
				is_active = excluded.is_active, type = excluded.type, frontend_stack = excluded.frontend_stack,
				description = excluded.description, metadata = excluded.metadata, app_host = excluded.app_host,
				allow_dcr = excluded.allow_dcr, integration_finished_at = excluded.integration_finished_at,
				redirect_urls = excluded.redirect_urls, logout_urls = excluded.logout_urls, updated_at = excluded.updated_at`,
			a.ID, a.Name, a.AppURL, a.LoginURL, a.LogoURL, a.AccessType, a.IsDefault, a.IsActive, a.Type, a.FrontendStack,
			a.Description, a.Metadata, a.AppHost, a.AllowDCR, nullMicros(a.IntegrationFinishedAt), jsonList(a.RedirectURLs),
			jsonList(a.LogoutURLs), micros(a.CreatedAt), micros(a.UpdatedAt))
		return mapErr(err)
	})
}

// DeleteApplication removes the application with its assignments and its
// application clients. The unredeemed authorization codes of the
// application and of its clients die with them; tokens already issued live
// on until their session ends, but cannot be refreshed through /oauth/token
// (their client is gone). It returns iam.ErrNotFound when there is no such
// application.
func (db *DB) DeleteApplication(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, q := range []string{`DELETE FROM application_tenants WHERE app_id = $1`, `DELETE FROM application_users WHERE app_id = $1`,
			`DELETE FROM application_active_tenants WHERE app_id = $1`,
			`DELETE FROM oauth_codes WHERE used_at IS NULL AND (client_id = $1 OR client_id IN (SELECT id FROM application_clients WHERE app_id = $1))`,
			`DELETE FROM application_clients WHERE app_id = $1`} {
			if _, err := tx.tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM applications WHERE id = $1`, id)
		return affectedOne(res, err)
	})
}

// AppTenant is an application's assignment to an account.
type AppTenant struct {
	AppID      string
	TenantID   string
	AccessType string
}

// FindAppTenants returns the assignments that match: of the given
// applications and tenants (nil: any) and access type ("" any), ordered by
// tenant then application.
func (db *DB) FindAppTenants(ctx context.Context, appIDs, tenantIDs []string, accessType string) ([]AppTenant, error) {
	where, args := ` WHERE 1=1`, []any{}
	for col, vals := range map[string][]string{"app_id": appIDs, "tenant_id": tenantIDs} {
		if vals == nil {
			continue
		}
		if len(vals) == 0 {
			return nil, nil
		}
		where += ` AND ` + col + ` IN (` + placeholders(len(args)+1, len(vals)) + `)`
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if accessType != "" {
		args = append(args, accessType)
		where += fmt.Sprintf(` AND access_type = $%d`, len(args))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT app_id, tenant_id, access_type FROM application_tenants`+where+` ORDER BY tenant_id, app_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppTenant
	for rows.Next() {
		var a AppTenant
		if err := rows.Scan(&a.AppID, &a.TenantID, &a.AccessType); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveAppTenant assigns the application to the tenant, or changes the
// assignment's access type. It returns iam.ErrNotFound when either does not exist.
func (db *DB) SaveAppTenant(ctx context.Context, a AppTenant, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkApp(ctx, a.AppID); err != nil {
			return err
		}
		if err := tx.checkTenant(ctx, a.TenantID); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO application_tenants (app_id, tenant_id, access_type, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (app_id, tenant_id) DO UPDATE SET access_type = excluded.access_type`, a.AppID, a.TenantID, a.AccessType, micros(now))
		return mapErr(err)
	})
}

// UpdateAppTenant changes an existing assignment's access type, or returns iam.ErrNotFound.
func (db *DB) UpdateAppTenant(ctx context.Context, a AppTenant) error {
	res, err := db.w.ExecContext(ctx, `UPDATE application_tenants SET access_type = $3 WHERE app_id = $1 AND tenant_id = $2`,
		a.AppID, a.TenantID, a.AccessType)
	return affectedOne(res, err)
}

// DeleteAppTenant removes the assignment and the application's user
// assignments in that tenant, or returns iam.ErrNotFound.
func (db *DB) DeleteAppTenant(ctx context.Context, appID, tenantID string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM application_tenants WHERE app_id = $1 AND tenant_id = $2`, appID, tenantID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM application_users WHERE app_id = $1 AND tenant_id = $2`, appID, tenantID)
		return err
	})
}

func (tx *Tx) checkApp(ctx context.Context, id string) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("application %s: %w", id, iam.ErrNotFound)
	}
	return nil
}

// AppUser is a user's assignment to an application in one tenant.
type AppUser struct {
	AppID     string
	UserID    string
	TenantID  string
	CreatedAt time.Time
}

// AssignAppUsers assigns each (application, user) pair in tenantID, every
// one or none; existing assignments are kept with their time. It returns
// iam.ErrNotFound when an application does not exist or a user is not a
// member of the tenant, and the assignments as stored.
func (db *DB) AssignAppUsers(ctx context.Context, tenantID string, appIDs, userIDs []string, now time.Time) ([]AppUser, error) {
	var out []AppUser
	err := db.InTx(ctx, func(tx *Tx) error {
		for _, appID := range appIDs {
			if err := tx.checkApp(ctx, appID); err != nil {
				return err
			}
			for _, userID := range userIDs {
				var n int
				if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return fmt.Errorf("user %s: %w", userID, iam.ErrNotFound)
				}
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO application_users (app_id, user_id, tenant_id, created_at)
					VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, appID, userID, tenantID, micros(now)); err != nil {
					return mapErr(err)
				}
				var created int64
				if err := tx.tx.QueryRowContext(ctx, `SELECT created_at FROM application_users WHERE app_id = $1 AND user_id = $2 AND tenant_id = $3`,
					appID, userID, tenantID).Scan(&created); err != nil {
					return err
				}
				out = append(out, AppUser{AppID: appID, UserID: userID, TenantID: tenantID, CreatedAt: fromMicros(created)})
			}
		}
		return nil
	})
	return out, err
}

// UnassignAppUsers removes each (application, user) assignment in tenantID.
func (db *DB) UnassignAppUsers(ctx context.Context, tenantID string, appIDs, userIDs []string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, appID := range appIDs {
			for _, userID := range userIDs {
				if _, err := tx.tx.ExecContext(ctx, `DELETE FROM application_users WHERE app_id = $1 AND user_id = $2 AND tenant_id = $3`,
					appID, userID, tenantID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// FindAppUsers returns the user assignments of the given applications and
// users (nil: any), in tenantID when it is not "", ordered by application then user.
func (db *DB) FindAppUsers(ctx context.Context, tenantID string, appIDs, userIDs []string) ([]AppUser, error) {
	var conds []string
	var args []any
	if tenantID != "" {
		args = append(args, tenantID)
		conds = append(conds, `tenant_id = $1`)
	}
	for col, vals := range map[string][]string{"app_id": appIDs, "user_id": userIDs} {
		if vals == nil {
			continue
		}
		if len(vals) == 0 {
			return nil, nil
		}
		conds = append(conds, col+` IN (`+placeholders(len(args)+1, len(vals))+`)`)
		for _, v := range vals {
			args = append(args, v)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT app_id, user_id, tenant_id, created_at FROM application_users`+where+
		` ORDER BY app_id, user_id, tenant_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppUser
	for rows.Next() {
		var a AppUser
		var created int64
		if err := rows.Scan(&a.AppID, &a.UserID, &a.TenantID, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMicros(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AppAccess is what decides whether a user may sign in to an application in
// one tenant.
type AppAccess struct {
	App          *iam.Application
	Assigned     bool // the application has tenant assignments at all
	TenantAccess string
	UserAssigned bool
}

// FindAppAccess returns what FindAppAccess's caller needs to decide on a
// login to appID in tenantID, or iam.ErrNotFound when the application does
// not exist. TenantAccess is "" when the application is not assigned to the tenant.
func (db *DB) FindAppAccess(ctx context.Context, appID, userID, tenantID string) (*AppAccess, error) {
	app, err := db.FindApplication(ctx, appID)
	if err != nil {
		return nil, err
	}
	acc := &AppAccess{App: app}
	var assignments, users int
	var tenantAccess sql.NullString
	err = db.r.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM application_tenants WHERE app_id = $1),
		(SELECT access_type FROM application_tenants WHERE app_id = $1 AND tenant_id = $3),
		(SELECT COUNT(*) FROM application_users WHERE app_id = $1 AND user_id = $2 AND tenant_id = $3)`,
		appID, userID, tenantID).Scan(&assignments, &tenantAccess, &users)
	if err != nil {
		return nil, err
	}
	acc.Assigned, acc.TenantAccess, acc.UserAssigned = assignments > 0, tenantAccess.String, users > 0
	return acc, nil
}

// FindActiveAppTenants returns the user's active tenant per application.
func (db *DB) FindActiveAppTenants(ctx context.Context, userID string) ([]AppTenant, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT app_id, tenant_id FROM application_active_tenants WHERE user_id = $1 ORDER BY app_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppTenant
	for rows.Next() {
		var a AppTenant
		if err := rows.Scan(&a.AppID, &a.TenantID); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetActiveAppTenants sets the user's active tenant for each application,
// every one or none. It returns iam.ErrNotFound when an application does not
// exist or the user is not a member of a tenant.
func (db *DB) SetActiveAppTenants(ctx context.Context, userID string, active []AppTenant, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, a := range active {
			if err := tx.checkApp(ctx, a.AppID); err != nil {
				return err
			}
			var n int
			if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tenants WHERE user_id = $1 AND tenant_id = $2`, userID, a.TenantID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("tenant %s: %w", a.TenantID, iam.ErrNotFound)
			}
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO application_active_tenants (user_id, app_id, tenant_id, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (user_id, app_id) DO UPDATE SET tenant_id = excluded.tenant_id, updated_at = excluded.updated_at`,
				userID, a.AppID, a.TenantID, micros(now)); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}
