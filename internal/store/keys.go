package store

import (
	"context"
	"database/sql"
	"time"
)

// SigningKey is an RS256 key pair; the private part stays sealed here.
type SigningKey struct {
	ID         string
	PrivateKey string // sealed PKCS#8 DER
	PublicKey  string // PEM
	CreatedAt  time.Time
	RetiredAt  *time.Time
	ExpiresAt  *time.Time
}

// FindSigningKeys returns every key still published at now, newest first.
func (db *DB) FindSigningKeys(ctx context.Context, now time.Time) ([]*SigningKey, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, private_key, public_key, created_at, retired_at, expires_at
		FROM signing_keys WHERE expires_at IS NULL OR expires_at > $1 ORDER BY created_at DESC`, micros(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SigningKey
	for rows.Next() {
		var k SigningKey
		var created int64
		var retired, expires sql.NullInt64
		if err := rows.Scan(&k.ID, &k.PrivateKey, &k.PublicKey, &created, &retired, &expires); err != nil {
			return nil, err
		}
		k.CreatedAt, k.RetiredAt, k.ExpiresAt = fromMicros(created), timePtr(retired), timePtr(expires)
		out = append(out, &k)
	}
	return out, rows.Err()
}

// RotateSigningKey stores k as the new signing key and retires every older
// active key at k.CreatedAt, keeping it published until publishUntil.
func (db *DB) RotateSigningKey(ctx context.Context, k *SigningKey, publishUntil time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE signing_keys SET retired_at = $1, expires_at = $2 WHERE retired_at IS NULL`,
			micros(k.CreatedAt), micros(publishUntil)); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO signing_keys (id, private_key, public_key, created_at) VALUES ($1, $2, $3, $4)`,
			k.ID, k.PrivateKey, k.PublicKey, micros(k.CreatedAt))
		return mapErr(err)
	})
}

// CreateFirstSigningKey stores k unless an active key already exists, in which
// case it does nothing: of nodes starting together, one key wins.
func (db *DB) CreateFirstSigningKey(ctx context.Context, k *SigningKey) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if db.Dialect == Postgres {
			if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7246872)`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NULL`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO signing_keys (id, private_key, public_key, created_at) VALUES ($1, $2, $3, $4)`,
			k.ID, k.PrivateKey, k.PublicKey, micros(k.CreatedAt))
		return mapErr(err)
	})
}
