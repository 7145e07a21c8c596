package factors

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// TOTP parameters (RFC 6238 as every authenticator app reads it): HMAC-SHA-1,
// six digits, 30-second steps, and a code accepted one step early or late.
const (
	totpDigits = 6
	totpPeriod = 30
	totpSkew   = 1
	// totpSeedBytes is the seed length RFC 4226 recommends (160 bits).
	totpSeedBytes = 20
	// totpSecretAAD binds sealed seeds to their use.
	totpSecretAAD = "totp-secret"
)

// hotp returns the RFC 4226 code of secret at counter.
func hotp(secret []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, v%1_000_000)
}

// totpStep returns the time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// totpMatch returns the time step within the allowed skew of now whose code is
// code. Every candidate is computed and compared in constant time.
func totpMatch(secret []byte, code string, now time.Time) (int64, bool) {
	step := totpStep(now)
	var found int64
	ok := false
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		if secure.Equal(hotp(secret, uint64(step+d)), code) && !ok {
			found, ok = step+d, true
		}
	}
	return found, ok
}

// TOTPEnrollment is an authenticator app being enrolled: its seed (base32,
// for typing in), the otpauth URI and that URI as a QR code PNG data URL.
type TOTPEnrollment struct {
	Secret string
	URI    string
	QRCode string
}

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpURI returns the otpauth:// URI (Key Uri Format) of a seed.
func totpURI(issuer, account, secret string) string {
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"},
		"digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(totpPeriod)}}
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// QRCodePNG returns content as a QR code PNG data URL.
func QRCodePNG(content string) (string, error) {
	png, err := qrcode.Encode(content, qrcode.Medium, 256)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), nil
}

// totpData is the Data of a pending authenticator enrollment.
type totpData struct {
	Secret string `json:"secret"` // sealed seed
}

// Challenge kinds of this package.
const (
	kindTOTPEnroll     = "totp-enroll"
	kindMFAToken       = "mfa-token"
	kindSMSCode        = "otc-sms"
	kindEmailCode      = "otc-email"
	kindWebAuthn       = "webauthn"
	kindPasswordless   = "passwordless"
	enrollmentLifetime = 10 * time.Minute
)

// StartTOTP begins enrolling an authenticator app for u: a new seed, sealed
// and kept for ten minutes. parent is the MFA token of a login that enrolls
// ("" for a signed-in user). With reuse, a pending enrollment of the same
// parent is returned instead of a new one, so the QR code of a login response
// and of the enroll route agree.
func (s *Service) StartTOTP(ctx context.Context, u *iam.User, parent string, reuse bool) (*TOTPEnrollment, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireStrategy(cfg, AuthenticatorApp); err != nil {
		return nil, err
	}
	now := s.Now()
	if reuse {
		if c, err := s.DB.FindLatestChallenge(ctx, u.ID, kindTOTPEnroll, parent, now); err == nil {
			seed, err := s.openSeed(c.Data)
			if err != nil {
				return nil, err
			}
			return s.enrollment(cfg, u, seed)
		} else if !errors.Is(err, iam.ErrNotFound) {
			return nil, err
		}
	}
	seed := make([]byte, totpSeedBytes)
	rand.Read(seed)
	data, err := json.Marshal(totpData{Secret: s.Sealer.Seal(seed, totpSecretAAD)})
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateChallenge(ctx, &store.Challenge{ID: secure.HashToken(secure.RandomToken(32)), Kind: kindTOTPEnroll,
			UserID: u.ID, ParentID: parent, Data: string(data), CreatedAt: now, ExpiresAt: now.Add(enrollmentLifetime)}, true)
	})
	if err != nil {
		return nil, err
	}
	return s.enrollment(cfg, u, seed)
}

func (s *Service) enrollment(cfg Config, u *iam.User, seed []byte) (*TOTPEnrollment, error) {
	secret := base32NoPad.EncodeToString(seed)
	account := u.Email
	if account == "" {
		account = u.Username
	}
	uri := totpURI(cfg.AuthenticationApp.ServiceName, account, secret)
	qr, err := QRCodePNG(uri)
	if err != nil {
		return nil, err
	}
	return &TOTPEnrollment{Secret: secret, URI: uri, QRCode: qr}, nil
}

func (s *Service) openSeed(data string) ([]byte, error) {
	var d totpData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("pending enrollment: %w", err)
	}
	return s.Sealer.Open(d.Secret, totpSecretAAD)
}

// ErrNoEnrollment answers an enrollment verification without a live enrollment.
var ErrNoEnrollment = iam.Invalid("There is no enrollment in progress: start it again")

// FinishTOTP completes the pending authenticator enrollment of u under parent
// with a first code: the device is stored (seed sealed), a new recovery code
// replaces the user's old one and the enrollment is recorded in the audit
// log. It returns the recovery code. A wrong code counts against the
// enrollment (MaxAttempts).
func (s *Service) FinishTOTP(ctx context.Context, u *iam.User, parent, code string) (string, error) {
	now := s.Now()
	c, err := s.DB.FindLatestChallenge(ctx, u.ID, kindTOTPEnroll, parent, now)
	if errors.Is(err, iam.ErrNotFound) {
		return "", ErrNoEnrollment
	}
	if err != nil {
		return "", err
	}
	seed, err := s.openSeed(c.Data)
	if err != nil {
		return "", err
	}
	step, ok := totpMatch(seed, code, now)
	if !ok {
		return "", s.fail(ctx, c.ID)
	}
	var d totpData
	json.Unmarshal([]byte(c.Data), &d)
	var recovery string
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SpendChallenge(ctx, c.ID, now); err != nil {
			return ErrNoEnrollment
		}
		id := uuid.NewString()
		if err := tx.CreateMFADevice(ctx, &store.MFADevice{ID: id, UserID: u.ID, Kind: store.MFAAuthenticator,
			Name: "Authenticator app", Secret: d.Secret, LastStep: step, CreatedAt: now}); err != nil {
			return err
		}
		if recovery, err = s.newRecoveryCode(ctx, tx, u.ID); err != nil {
			return err
		}
		return s.recordMFA(ctx, tx, u, map[string]any{"change": MFAEnrolled, "factor": store.MFAAuthenticator, "deviceId": id})
	})
	return recovery, err
}

// VerifyTOTP checks code against u's authenticator app deviceID, or against
// every authenticator app of u when deviceID is "". A code is accepted once:
// its time step must be later than the last one the device accepted. It
// returns iam.ErrNotFound when deviceID is not u's authenticator app, and
// ErrTooManyCodes when the user's guard is closed.
func (s *Service) VerifyTOTP(ctx context.Context, u *iam.User, deviceID, code string) (bool, error) {
	guard, err := s.guard(ctx, u.ID)
	if err != nil {
		return false, err
	}
	devices, err := s.DB.FindMFADevices(ctx, u.ID)
	if err != nil {
		return false, err
	}
	now := s.Now()
	known := false
	for _, d := range devices {
		if d.Kind != store.MFAAuthenticator || (deviceID != "" && d.ID != deviceID) {
			continue
		}
		known = true
		seed, err := s.Sealer.Open(d.Secret, totpSecretAAD)
		if err != nil {
			return false, fmt.Errorf("authenticator %s: %w", d.ID, err)
		}
		step, ok := totpMatch(seed, code, now)
		if !ok || step <= d.LastStep {
			continue
		}
		err = s.DB.UseTOTPStep(ctx, d.ID, step, now)
		if errors.Is(err, iam.ErrNotFound) {
			continue // accepted concurrently by another request
		}
		return err == nil, err
	}
	if !known && deviceID != "" {
		return false, iam.ErrNotFound
	}
	return false, s.guardFail(ctx, guard)
}
