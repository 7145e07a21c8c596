package factors

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Service proves second factors and passwordless first factors. Its fields
// are all it depends on.
type Service struct {
	DB       *store.DB
	Sealer   *secure.Sealer // seals TOTP seeds
	Login    *login.Service // opens sessions once every factor is proven
	Cookies  *login.Cookies
	Settings *policy.Settings
	Policies *policy.Documents[MFAPolicy] // NewMFAPolicies
	Notifier *notify.Notifier             // emails codes and links
	SMS      SMSSender                    // texts codes (TemplatedSMS)
	RP       *RelyingParty                // WebAuthn
	Audit    *audit.Recorder              // records enrollments and removals of second factors
	Now      func() time.Time
}

// MaxAttempts is how many wrong codes a challenge (an MFA token, a sent
// code, an enrollment) takes before it dies.
const MaxAttempts = 5

// MFATokenLifetime is how long a login or step-up waits for its second factor.
const MFATokenLifetime = 5 * time.Minute

// Errors callers see. They say nothing about which part was wrong.
var (
	ErrMFATokenInvalid = iam.Unauthorized("MFA token is invalid or expired")
	ErrInvalidCode     = iam.Unauthorized("The code is invalid or expired")
)

// Pending is a login or a step-up waiting for its second factor, as its MFA
// token describes it.
type Pending struct {
	id   string
	data pendingData
	User *iam.User
}

// StepUp reports whether the pending token raises an open session.
func (p *Pending) StepUp() bool { return p.data.SessionID != "" }

// pendingData is the Data of an MFA token: the first factor's attempt, or the
// session a step-up raises.
type pendingData struct {
	Methods   []string `json:"methods"`
	TenantID  string   `json:"tenantId"`
	IP        string   `json:"ip"`
	UserAgent string   `json:"userAgent"`
	SessionID string   `json:"sessionId,omitempty"`
}

// Challenge implements login.SecondFactor. A login needs a second factor when
// the user has one, or when the MFA policy of the account forces MFA
// (ForceExceptSAML: except for SSO logins); not when the first factor was
// multi-factor already (a passkey with user verification), when the vendor
// exempted the user (mfaBypass), or when the browser was remembered within
// the policy's time. It then answers the MFA branch of the login response
// with a new MFA token bound to the attempt.
func (s *Service) Challenge(ctx context.Context, a *login.Attempt, tenantID string) (*login.Response, error) {
	if slices.Contains(a.Methods, login.MFAMethod) {
		return nil, nil
	}
	u := a.User
	pol, err := s.EffectivePolicy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	devices, err := s.secondFactors(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	forced := pol.EnforceMFAType == Force || (pol.EnforceMFAType == ForceExceptSAML && !slices.Contains(a.Methods, "sso"))
	if len(devices) == 0 && !forced {
		return nil, nil
	}
	if bypass, err := s.DB.FindMFABypass(ctx, u.ID); err != nil || bypass {
		return nil, err
	}
	if pol.AllowRememberMyDevice && a.Device != "" {
		ok, err := s.DB.FindRememberedDevice(ctx, secure.HashToken(a.Device), u.ID, s.Now(),
			time.Duration(pol.MFADeviceExpiration)*time.Second)
		if err != nil || ok {
			return nil, err
		}
	}
	return s.challenge(ctx, u, pendingData{Methods: a.Methods, TenantID: tenantID, IP: a.IP, UserAgent: a.UserAgent})
}

// StartStepUp answers a step-up of the live session sessionID: a new MFA
// token bound to the session, and the user's devices.
func (s *Service) StartStepUp(ctx context.Context, u *iam.User, sess *iam.Session) (*login.Response, error) {
	return s.challenge(ctx, u, pendingData{Methods: sess.AMR, TenantID: sess.TenantID, IP: sess.IP, UserAgent: sess.UserAgent,
		SessionID: sess.ID})
}

// challenge stores an MFA token for d and builds the MFA branch of the login
// response. A user without a second factor (mfaEnrolled false) gets the QR
// code of an authenticator enrollment bound to the token, when authenticator
// apps are on. Email codes need no enrollment: with EmailCode on, a user with
// an email address counts as enrolled.
func (s *Service) challenge(ctx context.Context, u *iam.User, d pendingData) (*login.Response, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	devices, err := s.Devices(ctx, u, cfg)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	token, now := secure.RandomToken(32), s.Now()
	c := &store.Challenge{ID: secure.HashToken(token), Kind: kindMFAToken, UserID: u.ID, Data: string(data),
		CreatedAt: now, ExpiresAt: now.Add(MFATokenLifetime)}
	if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChallenge(ctx, c, false) }); err != nil {
		return nil, err
	}
	hasDevice := len(devices.Authenticators)+len(devices.Phones)+len(devices.WebAuthn) > 0
	enrolled := hasDevice || len(devices.Emails) > 0
	resp := &login.Response{MFARequired: true, MFAToken: token, MFAEnrolled: &enrolled, MFADevices: devices,
		MFAStrategies: cfg.ActiveStrategies(), UserID: u.ID, UserEmail: u.Email}
	if !hasDevice && cfg.AuthenticationApp.Active {
		e, err := s.StartTOTP(ctx, u, c.ID, true)
		if err != nil {
			return nil, err
		}
		resp.QRCode = e.QRCode
	}
	return resp, nil
}

// Pending returns the live login or step-up of an MFA token, or
// ErrMFATokenInvalid.
func (s *Service) Pending(ctx context.Context, mfaToken string) (*Pending, error) {
	if mfaToken == "" {
		return nil, iam.Invalid("mfaToken is required")
	}
	c, err := s.DB.FindChallenge(ctx, secure.HashToken(mfaToken), kindMFAToken, s.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrMFATokenInvalid
	}
	if err != nil {
		return nil, err
	}
	p := &Pending{id: c.ID}
	if err := json.Unmarshal([]byte(c.Data), &p.data); err != nil {
		return nil, err
	}
	p.User, err = s.DB.FindUser(ctx, c.UserID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrMFATokenInvalid
	}
	return p, err
}

// Fail counts a wrong second factor against the MFA token and returns ErrInvalidCode.
func (s *Service) Fail(ctx context.Context, p *Pending) error {
	return s.fail(ctx, p.id)
}

// fail counts a wrong code against challenge id and returns ErrInvalidCode.
func (s *Service) fail(ctx context.Context, id string) error {
	if _, err := s.DB.FailChallenge(ctx, id, MaxAttempts, s.Now()); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	return ErrInvalidCode
}

// Finished is a login or step-up whose second factor was proven.
type Finished struct {
	Result *login.Result
	// Remember is the remember-this-device token to set as a cookie, or "".
	Remember        string
	RememberExpires time.Time
}

// Finish spends the MFA token once its second factor is proven — method is
// that factor's amr value (otp, sms, hwk) — and opens the login's session, or
// raises the step-up's session, with amr gaining "mfa" and method. With
// remember, and when the policy allows it, the browser is remembered.
func (s *Service) Finish(ctx context.Context, p *Pending, method string, remember bool) (*Finished, error) {
	now := s.Now()
	if err := s.DB.SpendChallenge(ctx, p.id, now); errors.Is(err, iam.ErrNotFound) {
		return nil, ErrMFATokenInvalid
	} else if err != nil {
		return nil, err
	}
	methods := []string{login.MFAMethod, method}
	var res *login.Result
	var err error
	if p.StepUp() {
		res, err = s.Login.StepUp(ctx, p.User.ID, p.data.SessionID, methods)
	} else {
		a := &login.Attempt{User: p.User, Methods: union(p.data.Methods, methods), TenantID: p.data.TenantID,
			IP: p.data.IP, UserAgent: p.data.UserAgent}
		res, err = s.Login.Resume(ctx, a, p.data.TenantID)
	}
	if err != nil {
		return nil, err
	}
	f := &Finished{Result: res}
	if remember {
		pol, err := s.EffectivePolicy(ctx, res.TenantID)
		if err != nil {
			return nil, err
		}
		if pol.AllowRememberMyDevice {
			f.Remember, f.RememberExpires = secure.RandomToken(32), now.Add(time.Duration(pol.MFADeviceExpiration)*time.Second)
			if err := s.DB.RememberDevice(ctx, secure.HashToken(f.Remember), p.User.ID, now, f.RememberExpires); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, m := range b {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// Write sends a finished login with status: the refresh cookie when a
// session was opened, the remember-this-device cookie when one was issued,
// and the login response.
func (s *Service) Write(w http.ResponseWriter, r *http.Request, f *Finished, status int) error {
	res := f.Result
	if res.RefreshToken != "" || f.Remember != "" {
		core, err := s.Settings.Core(r.Context())
		if err != nil {
			return err
		}
		if res.RefreshToken != "" {
			s.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
		}
		if f.Remember != "" {
			s.Cookies.SetDevice(w, f.Remember, f.RememberExpires, core.CookieSameSite)
		}
	}
	return api.JSON(w, status, res.Response)
}

// secondFactors returns the user's MFA devices (not its passkeys).
func (s *Service) secondFactors(ctx context.Context, userID string) ([]*store.MFADevice, error) {
	all, err := s.DB.FindMFADevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(d *store.MFADevice) bool { return d.Kind == store.Passkey }), nil
}

// Devices returns u's second factors as the login response and the devices
// route show them. The user's email is listed when email codes are on and
// the user has an email address.
func (s *Service) Devices(ctx context.Context, u *iam.User, cfg Config) (*login.MFADevices, error) {
	devices, err := s.secondFactors(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := &login.MFADevices{WebAuthn: []login.WebAuthnDevice{}, Phones: []login.PhoneDevice{},
		Authenticators: []login.IDOnly{}, Emails: []login.EmailDevice{}}
	for _, d := range devices {
		switch d.Kind {
		case store.MFAAuthenticator:
			out.Authenticators = append(out.Authenticators, login.IDOnly{ID: d.ID})
		case store.MFASMS:
			out.Phones = append(out.Phones, login.PhoneDevice{ID: d.ID, PhoneNumber: MaskPhone(d.PhoneNumber)})
		case store.MFAWebAuthn:
			out.WebAuthn = append(out.WebAuthn, login.WebAuthnDevice{ID: d.ID, DeviceType: d.DeviceType, Name: d.Name})
		}
	}
	if cfg.Email.Active && u.Email != "" {
		out.Emails = append(out.Emails, login.EmailDevice{Email: u.Email})
	}
	return out, nil
}

// MaskPhone hides all but the last four digits of a phone number.
func MaskPhone(phone string) string {
	if len(phone) <= 4 {
		return phone
	}
	b := []byte(phone)
	for i := range b[:len(b)-4] {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '*'
		}
	}
	return string(b)
}

// TenantID returns the account the pending login or step-up is in.
func (p *Pending) TenantID() string { return p.data.TenantID }

// ParentID returns the id that enrollments and codes of the pending login
// are stored under.
func (p *Pending) ParentID() string { return p.id }

// ErrEnrolledAlready refuses to enroll a new second factor with only a first
// factor proven: a user who has one must prove it first.
var ErrEnrolledAlready = iam.Forbidden("The user has a second factor already: verify with it first")

// CanEnroll reports whether a pending login or step-up may enroll a second
// factor: only when the user has none, or a password alone would let anyone
// holding it add their own.
func (s *Service) CanEnroll(ctx context.Context, p *Pending) error {
	devices, err := s.secondFactors(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if len(devices) > 0 {
		return ErrEnrolledAlready
	}
	return nil
}

// Changes of a user's second factors, as the audit log's "MFA changed"
// entries name them; their factor is a device kind (store.MFAAuthenticator,
// store.MFASMS, store.MFAWebAuthn) or factorAll.
const (
	MFAEnrolled = "enrolled"
	MFARemoved  = "removed" // one device, or all of them by the user
	MFAReset    = "reset"   // every second factor, by the vendor or a recovery code
	factorAll   = "all"
)

// recordMFA records in tx that u's second factors changed, with data (change,
// factor and what else identifies it; never a seed, code or credential). u
// is the actor, in its active account: a signed-in user changing its own
// factors, or a login enrolling its first one or spending its recovery code
// (whose request may carry anyone's token, so the caller is not asked).
func (s *Service) recordMFA(ctx context.Context, tx *store.Tx, u *iam.User, data map[string]any) error {
	return s.Audit.RecordTx(ctx, tx, audit.Event{TenantID: u.ActiveTenantID, UserID: u.ID, Email: u.Email, ActorID: u.ID,
		ActorType: audit.ActorUser, ActorEmail: u.Email, Action: audit.ActionMFAChanged, Resource: "Authentication",
		Severity: audit.Medium, Data: data})
}
