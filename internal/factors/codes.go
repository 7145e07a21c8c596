package factors

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// SMSSender texts a code to a phone number in the caller's transaction;
// kind names the SMS template (a second factor's or a sign-in code's).
type SMSSender interface {
	SendCode(ctx context.Context, tx *store.Tx, kind notify.SMSKind, phone, code string) error
}

// TemplatedSMS sends codes with the environment's SMS templates through the
// outbox (notify.Notifier.SMS): durable, and delivered by whichever node's
// SMS worker claims them once an SMS provider is configured.
type TemplatedSMS struct {
	Notifier *notify.Notifier
}

// SendCode queues the kind's message with the code for phone.
func (t TemplatedSMS) SendCode(ctx context.Context, tx *store.Tx, kind notify.SMSKind, phone, code string) error {
	return t.Notifier.SMS(ctx, tx, kind, phone, notify.Vars{Code: code, ExpiresInMinutes: int(MaxCodeLifetime.Minutes())})
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// CheckPhone returns a 400 unless phone is an E.164 number (+ and 7 to 15 digits).
func CheckPhone(phone string) error {
	if !phonePattern.MatchString(phone) {
		return iam.Invalid("phoneNumber must be an international number such as +14155550123")
	}
	return nil
}

// codeData is the Data of a sent code: where it went and what it proves.
type codeData struct {
	Phone    string `json:"phone,omitempty"`
	DeviceID string `json:"deviceId,omitempty"`
	Purpose  string `json:"purpose"`
}

// Purposes of sent codes: a code proves only what it was sent for.
const (
	PurposeVerify  = "verify"  // a login's or step-up's second factor
	PurposeEnroll  = "enroll"  // a new SMS device
	PurposeDisable = "disable" // removing an SMS device
)

// SentCode is a code that was sent and checked: what it was sent for.
type SentCode struct {
	Phone    string
	DeviceID string
}

// codeHash binds a code to its challenge, so equal codes of two challenges
// are stored differently.
func codeHash(challengeID, code string) string { return secure.HashToken(challengeID + ":" + code) }

// SendSMSCode texts a new code to phone for purpose and returns the otcToken
// that identifies it. parent is the MFA token it belongs to ("" for a
// signed-in user); deviceID the SMS device it concerns, if any. Earlier codes
// of the user for the same parent stop working.
func (s *Service) SendSMSCode(ctx context.Context, u *iam.User, parent, phone, deviceID, purpose string) (string, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return "", err
	}
	if err := requireStrategy(cfg, SMS); err != nil {
		return "", err
	}
	d := codeData{Phone: phone, DeviceID: deviceID, Purpose: purpose}
	return s.sendCode(ctx, u, parent, kindSMSCode, d, time.Duration(cfg.SMS.TokenLifetimeSeconds)*time.Second,
		func(tx *store.Tx, code string, expires time.Time) error {
			return s.SMS.SendCode(ctx, tx, notify.SMSMFAOTC, phone, code)
		})
}

// SendEmailCode emails a new code to u's address as a second factor for the
// MFA token parent and returns its otcToken.
func (s *Service) SendEmailCode(ctx context.Context, u *iam.User, parent string) (string, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return "", err
	}
	if err := requireStrategy(cfg, EmailCode); err != nil {
		return "", err
	}
	if u.Email == "" {
		return "", iam.Forbidden("The user has no email address")
	}
	return s.sendCode(ctx, u, parent, kindEmailCode, codeData{Purpose: PurposeVerify}, time.Duration(cfg.Email.TokenLifetimeSeconds)*time.Second,
		func(tx *store.Tx, code string, expires time.Time) error {
			return s.Notifier.Email(ctx, tx, notify.MFAOTC, u.Email, notify.Vars{Name: u.Name, Email: u.Email, Code: code,
				Expires: expires.UTC().Format(time.RFC1123)})
		})
}

// sendCode stores a new six-digit code of kind and delivers it with send in
// the same transaction.
func (s *Service) sendCode(ctx context.Context, u *iam.User, parent, kind string, d codeData, ttl time.Duration,
	send func(tx *store.Tx, code string, expires time.Time) error) (string, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	token, code, now := secure.RandomToken(32), secure.RandomDigits(6), s.Now()
	ttl = min(ttl, MaxCodeLifetime)
	c := &store.Challenge{ID: secure.HashToken(token), Kind: kind, UserID: u.ID, ParentID: parent, Data: string(data),
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	c.CodeHash = codeHash(c.ID, code)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateChallenge(ctx, c, true); err != nil {
			return err
		}
		return send(tx, code, c.ExpiresAt)
	})
	return token, err
}

// CheckSMSCode spends the SMS code of otcToken when code is right, it was
// sent to u for purpose under parent, and it is live. A wrong code counts
// against the code's challenge (MaxAttempts) and answers ErrInvalidCode.
func (s *Service) CheckSMSCode(ctx context.Context, u *iam.User, parent, otcToken, code, purpose string) (*SentCode, error) {
	return s.checkCode(ctx, u, parent, kindSMSCode, otcToken, code, purpose)
}

// CheckEmailCode is CheckSMSCode for emailed codes.
func (s *Service) CheckEmailCode(ctx context.Context, u *iam.User, parent, otcToken, code string) error {
	_, err := s.checkCode(ctx, u, parent, kindEmailCode, otcToken, code, PurposeVerify)
	return err
}

func (s *Service) checkCode(ctx context.Context, u *iam.User, parent, kind, otcToken, code, purpose string) (*SentCode, error) {
	if otcToken == "" || code == "" {
		return nil, iam.Invalid("otcToken and code are required")
	}
	guard, err := s.guard(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	c, err := s.DB.FindChallenge(ctx, secure.HashToken(otcToken), kind, now)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrInvalidCode
	}
	if err != nil {
		return nil, err
	}
	var d codeData
	if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
		return nil, err
	}
	if c.UserID != u.ID || c.ParentID != parent || d.Purpose != purpose {
		return nil, ErrInvalidCode
	}
	if !secure.Equal(c.CodeHash, codeHash(c.ID, code)) {
		if err := s.guardFail(ctx, guard); err != nil {
			return nil, err
		}
		return nil, s.fail(ctx, c.ID)
	}
	if err := s.DB.SpendChallenge(ctx, c.ID, now); errors.Is(err, iam.ErrNotFound) {
		return nil, ErrInvalidCode
	} else if err != nil {
		return nil, err
	}
	return &SentCode{Phone: d.Phone, DeviceID: d.DeviceID}, nil
}

// AddSMSDevice stores a verified phone as u's SMS second factor and returns a
// new recovery code.
func (s *Service) AddSMSDevice(ctx context.Context, u *iam.User, phone string) (string, error) {
	return s.addDevice(ctx, u, &store.MFADevice{ID: uuid.NewString(), UserID: u.ID, Kind: store.MFASMS, Name: "SMS",
		PhoneNumber: phone, CreatedAt: s.Now()})
}

// addDevice stores d, u's second factor, replaces u's recovery code and
// records the enrollment; it returns the new code.
func (s *Service) addDevice(ctx context.Context, u *iam.User, d *store.MFADevice) (string, error) {
	var recovery string
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMFADevice(ctx, d); err != nil {
			return err
		}
		var err error
		if recovery, err = s.newRecoveryCode(ctx, tx, d.UserID); err != nil {
			return err
		}
		return s.recordMFA(ctx, tx, u, map[string]any{"change": MFAEnrolled, "factor": d.Kind, "deviceId": d.ID})
	})
	return recovery, err
}

// recoveryCodeLength is the length of a recovery code: 20 characters of 62
// carry about 119 bits, beyond guessing.
const recoveryCodeLength = 20

// newRecoveryCode makes a new recovery code the user's only one, in tx, and
// returns it. It is stored as a hash and shown only this once.
func (s *Service) newRecoveryCode(ctx context.Context, tx *store.Tx, userID string) (string, error) {
	code := secure.RandomString(recoveryCodeLength)
	return code, tx.ReplaceRecoveryCode(ctx, userID, secure.HashToken(code), s.Now())
}

// ErrRecoveryFailed answers every recovery that cannot proceed.
var ErrRecoveryFailed = iam.Unauthorized("The email or recovery code is invalid")

// Recover spends a recovery code of the user with email and removes every
// second factor of the user (MFA is reset, and recorded so; passkeys stay). Unknown users and
// wrong codes get the same ErrRecoveryFailed.
func (s *Service) Recover(ctx context.Context, email, code string) (*iam.User, error) {
	u, err := s.DB.FindUserByEmail(ctx, email)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrRecoveryFailed
	}
	if err != nil {
		return nil, err
	}
	return u, s.RecoverUser(ctx, u, code)
}

// RecoverUser is Recover for a known user u.
func (s *Service) RecoverUser(ctx context.Context, u *iam.User, code string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UseRecoveryCode(ctx, u.ID, secure.HashToken(code), s.Now()); err != nil {
			return err
		}
		if err := tx.ForgetRememberedDevices(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteMFA(ctx, u.ID); err != nil {
			return err
		}
		return s.recordMFA(ctx, tx, u, map[string]any{"change": MFAReset, "factor": factorAll, "via": "recovery code"})
	})
	if errors.Is(err, iam.ErrNotFound) {
		return ErrRecoveryFailed
	}
	return err
}

// RemoveDevice removes u's device of kind, or returns a 404. The removal of
// a second factor is recorded (a passkey is none).
func (s *Service) RemoveDevice(ctx context.Context, u *iam.User, kind, id string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteMFADevice(ctx, u.ID, kind, id); err != nil || kind == store.Passkey {
			return err
		}
		return s.recordMFA(ctx, tx, u, map[string]any{"change": MFARemoved, "factor": kind, "deviceId": id})
	})
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Device %s not found", id)
	}
	return err
}

// Unenroll removes every second factor and recovery code of the user and
// forgets its remembered browsers: the user turning MFA off (MFARemoved) or
// the vendor resetting it (MFAReset), as change says. The change is recorded
// with the caller as actor, in the caller's account or else the user's
// active one.
func (s *Service) Unenroll(ctx context.Context, userID, change string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.FindUser(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.ForgetRememberedDevices(ctx, userID); err != nil {
			return err
		}
		if err := tx.DeleteMFA(ctx, userID); err != nil {
			return err
		}
		e := audit.Event{UserID: u.ID, Email: u.Email, Action: audit.ActionMFAChanged, Resource: "Authentication",
			Severity: audit.Medium, Data: map[string]any{"change": change, "factor": factorAll}}
		if p := api.PrincipalFrom(ctx); p == nil || p.TenantID == "" {
			e.TenantID = u.ActiveTenantID
		}
		return s.Audit.RecordTx(ctx, tx, e)
	})
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("User %s not found", userID)
	}
	return err
}
