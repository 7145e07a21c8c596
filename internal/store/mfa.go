package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// MFADevice is one of a user's second factors, or a passkey.
type MFADevice struct {
	ID           string
	UserID       string
	Kind         string // MFAAuthenticator, MFASMS, MFAWebAuthn, Passkey
	Name         string
	PhoneNumber  string
	Secret       string // sealed TOTP seed
	CredentialID string // WebAuthn credential id, base64url
	Credential   string // WebAuthn credential JSON
	DeviceType   string // WebAuthn: Platform or CrossPlatform
	LastStep     int64  // TOTP: last accepted time step
	CreatedAt    time.Time
	LastUsedAt   *time.Time
}

// Device kinds. Passkeys sign users in without a password; the other kinds
// are second factors and make the user MFA-enrolled.
const (
	MFAAuthenticator = "authenticator"
	MFASMS           = "sms"
	MFAWebAuthn      = "webauthn"
	Passkey          = "passkey"
)

const mfaDeviceColumns = `id, user_id, kind, name, phone_number, secret, credential_id, credential, device_type, last_step,
	created_at, last_used_at`

func scanMFADevice(row interface{ Scan(...any) error }) (*MFADevice, error) {
	var d MFADevice
	var credID sql.NullString
	var created int64
	var used sql.NullInt64
	if err := row.Scan(&d.ID, &d.UserID, &d.Kind, &d.Name, &d.PhoneNumber, &d.Secret, &credID, &d.Credential,
		&d.DeviceType, &d.LastStep, &created, &used); err != nil {
		return nil, mapErr(err)
	}
	d.CredentialID, d.CreatedAt, d.LastUsedAt = credID.String, fromMicros(created), timePtr(used)
	return &d, nil
}

// CreateMFADevice stores d; a second factor makes its user MFA-enrolled. It
// returns iam.ErrConflict when the WebAuthn credential is registered already.
func (tx *Tx) CreateMFADevice(ctx context.Context, d *MFADevice) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO mfa_devices (`+mfaDeviceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)`,
		d.ID, d.UserID, d.Kind, d.Name, d.PhoneNumber, d.Secret, nullString(d.CredentialID), d.Credential, d.DeviceType,
		d.LastStep, micros(d.CreatedAt))
	if err != nil {
		return mapErr(err)
	}
	return tx.syncMFAEnrolled(ctx, d.UserID)
}

// FindMFADevices returns the user's devices of every kind, oldest first.
func (db *DB) FindMFADevices(ctx context.Context, userID string) ([]*MFADevice, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+mfaDeviceColumns+` FROM mfa_devices WHERE user_id = $1
		ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*MFADevice
	for rows.Next() {
		d, err := scanMFADevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindMFADevice returns the user's device id of kind, or iam.ErrNotFound.
func (db *DB) FindMFADevice(ctx context.Context, userID, kind, id string) (*MFADevice, error) {
	return scanMFADevice(db.r.QueryRowContext(ctx, `SELECT `+mfaDeviceColumns+` FROM mfa_devices
		WHERE id = $1 AND user_id = $2 AND kind = $3`, id, userID, kind))
}

// FindMFADeviceByCredential returns the WebAuthn device of kind holding the
// credential id, or iam.ErrNotFound.
func (db *DB) FindMFADeviceByCredential(ctx context.Context, kind, credentialID string) (*MFADevice, error) {
	return scanMFADevice(db.r.QueryRowContext(ctx, `SELECT `+mfaDeviceColumns+` FROM mfa_devices
		WHERE credential_id = $1 AND kind = $2`, credentialID, kind))
}

// DeleteMFADevice removes the user's device id of kind, or returns iam.ErrNotFound.
func (tx *Tx) DeleteMFADevice(ctx context.Context, userID, kind, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_devices WHERE id = $1 AND user_id = $2 AND kind = $3`, id, userID, kind)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	return tx.syncMFAEnrolled(ctx, userID)
}

// DeleteMFA removes every second factor of the user and its recovery codes
// (passkeys stay), leaving it not enrolled. It returns iam.ErrNotFound for an
// unknown user.
func (tx *Tx) DeleteMFA(ctx context.Context, userID string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_devices WHERE user_id = $1 AND kind <> $2`, userID, Passkey); err != nil {
		return mapErr(err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return mapErr(err)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET mfa_enrolled = FALSE WHERE id = $1`, userID)
	return affectedOne(res, err)
}

// syncMFAEnrolled sets users.mfa_enrolled to whether the user has a second factor.
func (tx *Tx) syncMFAEnrolled(ctx context.Context, userID string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE users SET mfa_enrolled =
		EXISTS (SELECT 1 FROM mfa_devices WHERE user_id = $1 AND kind <> $2) WHERE id = $1`, userID, Passkey)
	return mapErr(err)
}

// UseTOTPStep records that the authenticator device id accepted a code of
// time step step. It returns iam.ErrNotFound when that step or a later one was
// accepted already, so a code is never accepted twice.
func (db *DB) UseTOTPStep(ctx context.Context, id string, step int64, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE mfa_devices SET last_step = $2, last_used_at = $3
		WHERE id = $1 AND last_step < $2`, id, step, micros(now))
	return affectedOne(res, err)
}

// SaveWebAuthnCredential stores the device's updated credential (its sign
// counter and flags) after a successful assertion.
func (db *DB) SaveWebAuthnCredential(ctx context.Context, id, credential string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE mfa_devices SET credential = $2, last_used_at = $3 WHERE id = $1`,
		id, credential, micros(now))
	return affectedOne(res, err)
}

// TouchMFADevice records that a device was just used.
func (db *DB) TouchMFADevice(ctx context.Context, id string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE mfa_devices SET last_used_at = $2 WHERE id = $1`, id, micros(now))
	return mapErr(err)
}

// ReplaceRecoveryCode makes hash the user's only recovery code.
func (tx *Tx) ReplaceRecoveryCode(ctx context.Context, userID, hash string, now time.Time) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return mapErr(err)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO mfa_recovery_codes (hash, user_id, created_at) VALUES ($1, $2, $3)`,
		hash, userID, micros(now))
	return mapErr(err)
}

// UseRecoveryCode spends the user's unused recovery code with hash, or
// returns iam.ErrNotFound.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID, hash string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE mfa_recovery_codes SET used_at = $3
		WHERE hash = $1 AND user_id = $2 AND used_at IS NULL`, hash, userID, micros(now))
	return affectedOne(res, err)
}

// RememberDevice stores a remembered browser's cookie hash for the user until expires.
func (db *DB) RememberDevice(ctx context.Context, hash, userID string, now, expires time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_remembered_devices WHERE user_id = $1 AND expires_at <= $2`,
			userID, micros(now)); err != nil {
			return mapErr(err)
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO mfa_remembered_devices (hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, hash, userID, micros(now), micros(expires))
		return mapErr(err)
	})
}

// FindRememberedDevice reports whether hash is a remembered browser of the
// user, issued no longer ago than maxAge and not expired at now.
func (db *DB) FindRememberedDevice(ctx context.Context, hash, userID string, now time.Time, maxAge time.Duration) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM mfa_remembered_devices
		WHERE hash = $1 AND user_id = $2 AND expires_at > $3 AND created_at >= $4`,
		hash, userID, micros(now), micros(now.Add(-maxAge))).Scan(&n)
	return n > 0, mapErr(err)
}

// ForgetRememberedDevices forgets every remembered browser of the user.
func (tx *Tx) ForgetRememberedDevices(ctx context.Context, userID string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM mfa_remembered_devices WHERE user_id = $1`, userID)
	return mapErr(err)
}

// FindMFABypass reports whether the vendor exempted the user from MFA.
func (db *DB) FindMFABypass(ctx context.Context, userID string) (bool, error) {
	var bypass bool
	err := db.r.QueryRowContext(ctx, `SELECT mfa_bypass FROM users WHERE id = $1`, userID).Scan(&bypass)
	return bypass, mapErr(err)
}

// FindUserByPhone returns the one user with the phone number, or
// iam.ErrNotFound when none or several have it.
func (db *DB) FindUserByPhone(ctx context.Context, phone string) (*iam.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE phone_number = $1 LIMIT 2`, phone)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []*iam.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) != 1 {
		return nil, iam.ErrNotFound
	}
	return found[0], nil
}
