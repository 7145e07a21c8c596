package store

import (
	"context"
	"time"
)

// Environment is the vendor's one row: its credentials.
type Environment struct {
	ClientID   string
	APIKeyHash string // SHA-256 of the API key
	SecretKey  string // sealed key for keyed hashes of client secrets
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// FindEnvironment returns the environment, or iam.ErrNotFound before the first start.
func (db *DB) FindEnvironment(ctx context.Context) (*Environment, error) {
	var e Environment
	var created, updated int64
	err := db.r.QueryRowContext(ctx, `SELECT client_id, api_key_hash, secret_key, created_at, updated_at FROM environment WHERE id = 1`).
		Scan(&e.ClientID, &e.APIKeyHash, &e.SecretKey, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// SaveEnvironment creates the environment row or replaces its credentials.
func (db *DB) SaveEnvironment(ctx context.Context, e *Environment) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO environment (id, client_id, api_key_hash, secret_key, created_at, updated_at)
		VALUES (1, $1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, api_key_hash = excluded.api_key_hash,
			secret_key = excluded.secret_key, updated_at = excluded.updated_at`,
		e.ClientID, e.APIKeyHash, e.SecretKey, micros(e.CreatedAt), micros(e.UpdatedAt))
	return mapErr(err)
}

// CreateEnvironment inserts the environment row unless one exists (nodes that
// start together keep the first). Read it back with FindEnvironment.
func (db *DB) CreateEnvironment(ctx context.Context, e *Environment) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO environment (id, client_id, api_key_hash, secret_key, created_at, updated_at)
		VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
		e.ClientID, e.APIKeyHash, e.SecretKey, micros(e.CreatedAt), micros(e.UpdatedAt))
	return mapErr(err)
}
