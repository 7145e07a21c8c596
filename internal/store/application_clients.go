package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// AppSecrets are an application's credentials, sealed by the caller: the
// client secret its back end authenticates with at /oauth/token, and the
// shared secret. "" means not made yet.
type AppSecrets struct {
	Client string
	Shared string
}

// SaveAppSecrets stores s's secrets for the application and returns its
// secrets as they then are, in one statement. A secret marked to renew
// replaces the stored one (which stops working at once); the other is stored
// only if the application has none yet, so of two concurrent first reads
// both get the same secrets, whichever wrote them. It returns
// iam.ErrNotFound when there is no such application.
func (db *DB) SaveAppSecrets(ctx context.Context, appID string, s AppSecrets, renewClient, renewShared bool, now time.Time) (*AppSecrets, error) {
	set := func(col string, param int, renew bool) string {
		if renew {
			return fmt.Sprintf(`%s = $%d`, col, param)
		}
		return fmt.Sprintf(`%s = CASE WHEN %s = '' THEN $%d ELSE %s END`, col, col, param, col)
	}
	q := `UPDATE applications SET ` + set("client_secret", 2, renewClient) + `, ` + set("shared_secret", 3, renewShared)
	args := []any{appID, s.Client, s.Shared}
	if renewClient || renewShared {
		q += `, updated_at = $4`
		args = append(args, micros(now))
	}
	var out AppSecrets
	if err := db.w.QueryRowContext(ctx, q+` WHERE id = $1 RETURNING client_secret, shared_secret`, args...).Scan(&out.Client, &out.Shared); err != nil {
		return nil, mapErr(err)
	}
	return &out, nil
}

// AppClient is an application client: one more OAuth client of an
// application (Frontegg's agents), with its own id, secret and redirect URLs.
type AppClient struct {
	ID               string
	AppID            string
	Name             string
	Type             string // Agent
	Secret           string // sealed by the caller
	RedirectURLs     []string
	ExternalMetadata string // a JSON object, or "" for none
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

const appClientColumns = `id, app_id, name, type, secret, redirect_urls, external_metadata, created_at, updated_at`

func scanAppClient(row interface{ Scan(...any) error }) (*AppClient, error) {
	var c AppClient
	var redirects string
	var meta sql.NullString
	var created, updated int64
	if err := row.Scan(&c.ID, &c.AppID, &c.Name, &c.Type, &c.Secret, &redirects, &meta, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	var err error
	if c.RedirectURLs, err = parseList(redirects); err != nil {
		return nil, fmt.Errorf("application client %s redirect urls: %w", c.ID, err)
	}
	c.ExternalMetadata = meta.String
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// CreateAppClient stores c. It returns iam.ErrNotFound when its application
// does not exist.
func (db *DB) CreateAppClient(ctx context.Context, c *AppClient) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkApp(ctx, c.AppID); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO application_clients (`+appClientColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID, c.AppID, c.Name, c.Type, c.Secret, jsonList(c.RedirectURLs), nullString(c.ExternalMetadata), micros(c.CreatedAt), micros(c.UpdatedAt))
		return mapErr(err)
	})
}

// FindAppClient returns the application client with id, or iam.ErrNotFound.
func (db *DB) FindAppClient(ctx context.Context, id string) (*AppClient, error) {
	return scanAppClient(db.r.QueryRowContext(ctx, `SELECT `+appClientColumns+` FROM application_clients WHERE id = $1`, id))
}

// FindAppClients returns the application's clients, oldest first. It
// returns iam.ErrNotFound when the application does not exist.
func (db *DB) FindAppClients(ctx context.Context, appID string) ([]*AppClient, error) {
	out := []*AppClient{}
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkApp(ctx, appID); err != nil {
			return err
		}
		rows, err := tx.tx.QueryContext(ctx, `SELECT `+appClientColumns+` FROM application_clients WHERE app_id = $1 ORDER BY created_at, id`, appID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanAppClient(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateAppClient saves c's name, redirect URLs and external metadata. It
// returns iam.ErrNotFound when there is no such client.
func (db *DB) UpdateAppClient(ctx context.Context, c *AppClient) error {
	res, err := db.w.ExecContext(ctx, `UPDATE application_clients SET name = $2, redirect_urls = $3, external_metadata = $4, updated_at = $5
		WHERE id = $1`, c.ID, c.Name, jsonList(c.RedirectURLs), nullString(c.ExternalMetadata), micros(c.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteAppClient removes the application client; its unredeemed
// authorization codes die with it. It returns iam.ErrNotFound when there is
// no such client.
func (db *DB) DeleteAppClient(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM application_clients WHERE id = $1`, id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM oauth_codes WHERE client_id = $1 AND used_at IS NULL`, id)
		return err
	})
}

// OAuthClientRecord is what the store holds about a registered OAuth
// client: an application, whose client id is its id, or one of its
// application clients (Client set).
type OAuthClientRecord struct {
	App    *iam.Application
	Client *AppClient // nil for the application itself
	Secret string     // sealed; "" when the application has none yet
}

// FindOAuthClientRecord returns the application or the application client
// whose id is clientID, or iam.ErrNotFound.
func (db *DB) FindOAuthClientRecord(ctx context.Context, clientID string) (*OAuthClientRecord, error) {
	var secret string
	app, err := scanApplication(db.r.QueryRowContext(ctx, `SELECT `+applicationColumns+`, client_secret FROM applications WHERE id = $1`, clientID),
		&secret)
	if err == nil {
		return &OAuthClientRecord{App: app, Secret: secret}, nil
	}
	if !errors.Is(err, iam.ErrNotFound) {
		return nil, err
	}
	c, err := db.FindAppClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if app, err = db.FindApplication(ctx, c.AppID); err != nil {
		return nil, err
	}
	return &OAuthClientRecord{App: app, Client: c, Secret: c.Secret}, nil
}
