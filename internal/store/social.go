package store

import (
	"context"
	"encoding/json"
	"time"
)

// Social login storage: the built-in providers the environment turned on and
// its custom OAuth providers. Client secrets are stored sealed by the caller.

// SocialProvider is a built-in social login provider's configuration.
type SocialProvider struct {
	Type             string // google, github, microsoft, facebook, apple, linkedin, slack
	Active           bool
	ClientID         string
	Secret           string // sealed
	RedirectURL      string
	AdditionalScopes []string
	Customised       bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

const socialColumns = `type, active, client_id, secret, redirect_url, additional_scopes, customised, created_at, updated_at`

func scanSocialProvider(row interface{ Scan(...any) error }) (*SocialProvider, error) {
	var p SocialProvider
	var scopes string
	var created, updated int64
	if err := row.Scan(&p.Type, &p.Active, &p.ClientID, &p.Secret, &p.RedirectURL, &scopes, &p.Customised, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	if err := json.Unmarshal([]byte(scopes), &p.AdditionalScopes); err != nil || p.AdditionalScopes == nil {
		p.AdditionalScopes = []string{}
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// SaveSocialProvider creates or replaces the configuration of p.Type (the
// creation time of an existing one is kept).
func (db *DB) SaveSocialProvider(ctx context.Context, p *SocialProvider) error {
	scopes, err := json.Marshal(p.AdditionalScopes)
	if err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO social_providers (`+socialColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (type) DO UPDATE SET active = excluded.active, client_id = excluded.client_id, secret = excluded.secret,
		redirect_url = excluded.redirect_url, additional_scopes = excluded.additional_scopes, customised = excluded.customised,
		updated_at = excluded.updated_at`,
		p.Type, p.Active, p.ClientID, p.Secret, p.RedirectURL, string(scopes), p.Customised, micros(p.CreatedAt), micros(p.UpdatedAt))
	return mapErr(err)
}

// FindSocialProvider returns the configuration of a provider type, or iam.ErrNotFound.
func (db *DB) FindSocialProvider(ctx context.Context, typ string) (*SocialProvider, error) {
	return scanSocialProvider(db.r.QueryRowContext(ctx, `SELECT `+socialColumns+` FROM social_providers WHERE type = $1`, typ))
}

// FindSocialProviders returns every configured provider, by type.
func (db *DB) FindSocialProviders(ctx context.Context) ([]*SocialProvider, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+socialColumns+` FROM social_providers ORDER BY type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*SocialProvider{}
	for rows.Next() {
		p, err := scanSocialProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CustomProvider is a custom OAuth provider of the environment.
type CustomProvider struct {
	ID               string
	Type             string
	ClientID         string
	Secret           string // sealed
	RedirectURL      string
	AuthorizationURL string
	TokenURL         string
	UserInfoURL      string
	Scopes           string // space separated
	SSOLogoURL       string
	DisplayName      string
	Active           bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

const customProviderColumns = `id, type, client_id, secret, redirect_url, authorization_url, token_url, user_info_url,
	scopes, sso_logo_url, display_name, active, created_at, updated_at`

func scanCustomProvider(row interface{ Scan(...any) error }) (*CustomProvider, error) {
	var p CustomProvider
	var created, updated int64
	err := row.Scan(&p.ID, &p.Type, &p.ClientID, &p.Secret, &p.RedirectURL, &p.AuthorizationURL, &p.TokenURL,
		&p.UserInfoURL, &p.Scopes, &p.SSOLogoURL, &p.DisplayName, &p.Active, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreateCustomProvider inserts p.
func (db *DB) CreateCustomProvider(ctx context.Context, p *CustomProvider) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO custom_social_providers (`+customProviderColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		p.ID, p.Type, p.ClientID, p.Secret, p.RedirectURL, p.AuthorizationURL, p.TokenURL, p.UserInfoURL,
		p.Scopes, p.SSOLogoURL, p.DisplayName, p.Active, micros(p.CreatedAt), micros(p.UpdatedAt))
	return mapErr(err)
}

// UpdateCustomProvider saves every field of p but its id and creation time,
// or returns iam.ErrNotFound.
func (db *DB) UpdateCustomProvider(ctx context.Context, p *CustomProvider) error {
	res, err := db.w.ExecContext(ctx, `UPDATE custom_social_providers SET type = $2, client_id = $3, secret = $4,
		redirect_url = $5, authorization_url = $6, token_url = $7, user_info_url = $8, scopes = $9, sso_logo_url = $10,
		display_name = $11, active = $12, updated_at = $13 WHERE id = $1`,
		p.ID, p.Type, p.ClientID, p.Secret, p.RedirectURL, p.AuthorizationURL, p.TokenURL, p.UserInfoURL,
		p.Scopes, p.SSOLogoURL, p.DisplayName, p.Active, micros(p.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteCustomProvider removes a custom provider, or returns iam.ErrNotFound.
func (db *DB) DeleteCustomProvider(ctx context.Context, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM custom_social_providers WHERE id = $1`, id)
	return affectedOne(res, err)
}

// FindCustomProvider returns a custom provider, or iam.ErrNotFound.
func (db *DB) FindCustomProvider(ctx context.Context, id string) (*CustomProvider, error) {
	return scanCustomProvider(db.r.QueryRowContext(ctx, `SELECT `+customProviderColumns+` FROM custom_social_providers WHERE id = $1`, id))
}

// FindCustomProviders returns every custom provider, oldest first.
func (db *DB) FindCustomProviders(ctx context.Context) ([]*CustomProvider, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+customProviderColumns+` FROM custom_social_providers ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*CustomProvider{}
	for rows.Next() {
		p, err := scanCustomProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
