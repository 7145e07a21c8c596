package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// PhoneNumber is one of a user's phone numbers, in E.164 form.
type PhoneNumber struct {
	ID          string
	UserID      string
	PhoneNumber string
	Verified    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const phoneNumberColumns = `id, user_id, phone_number, verified, created_at, updated_at`

func scanPhoneNumber(row interface{ Scan(...any) error }) (*PhoneNumber, error) {
	var p PhoneNumber
	var created, updated int64
	if err := row.Scan(&p.ID, &p.UserID, &p.PhoneNumber, &p.Verified, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// FindPhoneNumbers returns the user's numbers, oldest first.
func (db *DB) FindPhoneNumbers(ctx context.Context, userID string) ([]*PhoneNumber, error) {
	return db.queryPhoneNumbers(ctx, `SELECT `+phoneNumberColumns+` FROM user_phone_numbers WHERE user_id = $1
		ORDER BY created_at, id`, userID)
}

// FindPhoneNumber returns the user's number with id, or iam.ErrNotFound.
func (db *DB) FindPhoneNumber(ctx context.Context, userID, id string) (*PhoneNumber, error) {
	return scanPhoneNumber(db.r.QueryRowContext(ctx, `SELECT `+phoneNumberColumns+` FROM user_phone_numbers
		WHERE id = $1 AND user_id = $2`, id, userID))
}

// FindVerifiedPhoneOwner returns the id of the one user who has verified
// phone, or iam.ErrNotFound when no user has, or several have: a number
// shared by users identifies none of them.
func (db *DB) FindVerifiedPhoneOwner(ctx context.Context, phone string) (string, error) {
	ids, err := queryStrings(ctx, db.r, `SELECT user_id FROM user_phone_numbers
		WHERE phone_number = $1 AND verified = TRUE ORDER BY user_id LIMIT 2`, phone)
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return "", iam.ErrNotFound
	}
	return ids[0], nil
}

// PhoneNumberFilter narrows ListPhoneNumbers. Empty fields do not filter.
type PhoneNumberFilter struct {
	UserIDs     []string
	PhoneNumber string // exact
	TenantID    string // numbers of this tenant's members only
	Page
}

// ListPhoneNumbers returns a page of numbers and the total that match.
func (db *DB) ListPhoneNumbers(ctx context.Context, f PhoneNumberFilter) ([]*PhoneNumber, int, error) {
	var w whereBuilder
	if len(f.UserIDs) > 0 {
		w.in("user_id", f.UserIDs)
	}
	if f.PhoneNumber != "" {
		w.add(`phone_number = $%d`, f.PhoneNumber)
	}
	if f.TenantID != "" {
		w.add(`user_id IN (SELECT user_id FROM user_tenants WHERE tenant_id = $%d)`, f.TenantID)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_phone_numbers WHERE 1=1`+w.sql, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(w.args, f.limit(), f.Offset)
	items, err := db.queryPhoneNumbers(ctx, `SELECT `+phoneNumberColumns+` FROM user_phone_numbers WHERE 1=1`+w.sql+
		f.orderBy(map[string]string{"userId": "user_id", "phoneNumber": "phone_number"}, "created_at")+
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return items, total, err
}

func (db *DB) queryPhoneNumbers(ctx context.Context, q string, args ...any) ([]*PhoneNumber, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*PhoneNumber
	for rows.Next() {
		p, err := scanPhoneNumber(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SavePhoneNumber adds p to its user. When the user already has the number,
// that row is kept (p gets its id and creation time) and becomes verified if p
// is; a verified number never goes back to unverified.
func (tx *Tx) SavePhoneNumber(ctx context.Context, p *PhoneNumber) error {
	var created int64
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO user_phone_numbers (`+phoneNumberColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (user_id, phone_number) DO UPDATE SET verified = user_phone_numbers.verified OR excluded.verified,
			updated_at = excluded.updated_at
		RETURNING id, verified, created_at`,
		p.ID, p.UserID, p.PhoneNumber, p.Verified, micros(p.CreatedAt), micros(p.UpdatedAt)).Scan(&p.ID, &p.Verified, &created)
	if err != nil {
		return mapErr(err)
	}
	p.CreatedAt = fromMicros(created)
	return nil
}

// DeletePhoneNumber removes the user's number id, or returns iam.ErrNotFound.
func (db *DB) DeletePhoneNumber(ctx context.Context, userID, id string) error {
	return deletePhoneNumber(ctx, db.w, userID, id)
}

// DeletePhoneNumber is DeletePhoneNumber inside a transaction.
func (tx *Tx) DeletePhoneNumber(ctx context.Context, userID, id string) error {
	return deletePhoneNumber(ctx, tx.tx, userID, id)
}

func deletePhoneNumber(ctx context.Context, q querier, userID, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM user_phone_numbers WHERE id = $1 AND user_id = $2`, id, userID)
	return affectedOne(res, err)
}

// PhoneVerification is a code sent by SMS to add or remove a user's number.
type PhoneVerification struct {
	TokenHash   string // SHA-256 of the otcToken the caller holds
	UserID      string
	PhoneID     string // the number's id, when it is stored already
	PhoneNumber string
	Purpose     string // PhoneVerifyAdd or PhoneVerifyDelete
	CodeHash    string // binds the code to the otcToken
	Attempts    int    // codes tried, right or wrong
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// Purposes of a PhoneVerification.
const (
	PhoneVerifyAdd    = "add"
	PhoneVerifyDelete = "delete"
)

// CreatePhoneVerification stores v.
func (tx *Tx) CreatePhoneVerification(ctx context.Context, v *PhoneVerification) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO phone_verifications (token_hash, user_id, phone_id, phone_number, purpose,
		code_hash, attempts, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)`,
		v.TokenHash, v.UserID, v.PhoneID, v.PhoneNumber, v.Purpose, v.CodeHash, micros(v.CreatedAt), micros(v.ExpiresAt))
	return mapErr(err)
}

// AttemptPhoneVerification counts one try of the live verification with
// tokenHash and returns it, with Attempts counting this try. It returns
// iam.ErrNotFound when the verification is unknown, spent, expired or has had
// maxAttempts tries already. The count is one atomic update, so concurrent
// guesses cannot exceed maxAttempts.
func (db *DB) AttemptPhoneVerification(ctx context.Context, tokenHash string, now time.Time, maxAttempts int) (*PhoneVerification, error) {
	var v PhoneVerification
	var created, expires int64
	err := db.w.QueryRowContext(ctx, `UPDATE phone_verifications SET attempts = attempts + 1
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3
		RETURNING token_hash, user_id, phone_id, phone_number, purpose, code_hash, attempts, created_at, expires_at`,
		tokenHash, micros(now), maxAttempts).
		Scan(&v.TokenHash, &v.UserID, &v.PhoneID, &v.PhoneNumber, &v.Purpose, &v.CodeHash, &v.Attempts, &created, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	v.CreatedAt, v.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &v, nil
}

// UsePhoneVerification spends the verification with tokenHash; it returns
// iam.ErrNotFound when it was spent already, so a code works once.
func (tx *Tx) UsePhoneVerification(ctx context.Context, tokenHash string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE phone_verifications SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL`,
		tokenHash, micros(now))
	return affectedOne(res, err)
}
