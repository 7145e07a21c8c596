package factors

import (
	"context"
	"errors"
	"net/http"
	"regexp"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/store"
)

// PageMFA completes, for the hosted login page, a login challenged for a
// second factor: with an authenticator-app code, a recovery code, or a code
// sent by email or SMS — the same checks, limits and session as the
// …/user/mfa/verify, …/mfa/recover (with mfaToken), …/mfa/emailcode/verify
// and …/mfa/sms/{deviceId}/verify routes. The page sets the refresh cookie
// from the result; the remember-this-device cookie is set here.
type PageMFA struct {
	Factors *Service
}

// Methods of codes sent to the user, as the page names them.
const (
	PageEmail = "email"
	PageSMS   = "sms"
)

// Devices returns the second factors the user of the login challenged with
// mfaToken can prove on the page: authenticator apps, the email address
// (when email codes are on) and the SMS devices (when SMS codes are on).
func (m PageMFA) Devices(ctx context.Context, mfaToken string) (*login.MFADevices, error) {
	s := m.Factors
	p, err := s.Pending(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.Devices(ctx, p.User, cfg)
	if err != nil {
		return nil, err
	}
	if !cfg.SMS.Active {
		d.Phones = []login.PhoneDevice{}
	}
	return d, nil
}

// Send sends a code for the login challenged with mfaToken — method
// PageEmail to the user's address, PageSMS to the user's SMS device
// deviceID — and returns the otcToken its check needs.
func (m PageMFA) Send(ctx context.Context, mfaToken, method, deviceID string) (string, error) {
	s := m.Factors
	p, err := s.Pending(ctx, mfaToken)
	if err != nil {
		return "", err
	}
	switch method {
	case PageEmail:
		return s.SendEmailCode(ctx, p.User, p.ParentID())
	case PageSMS:
		d, err := s.DB.FindMFADevice(ctx, p.User.ID, store.MFASMS, deviceID)
		if errors.Is(err, iam.ErrNotFound) {
			return "", iam.NotFound("Device %s not found", deviceID)
		}
		if err != nil {
			return "", err
		}
		return s.SendSMSCode(ctx, p.User, p.ParentID(), d.PhoneNumber, d.ID, PurposeVerify)
	}
	return "", iam.Invalid("method must be %s or %s", PageEmail, PageSMS)
}

// totpShaped matches what an authenticator app shows; anything else typed
// into the page's code field is taken for a recovery code.
var totpShaped = regexp.MustCompile(`^[0-9]{6}$`)

// Verify checks code for the login challenged with mfaToken and completes
// it. With method PageEmail or PageSMS, code is the one Send sent under
// otcToken; with method "", an authenticator-app code or a recovery code
// (which, as at …/mfa/recover, removes the user's second factors: the user
// enrolls again). A wrong code counts against the MFA token.
func (m PageMFA) Verify(w http.ResponseWriter, r *http.Request, mfaToken, method, otcToken, code string, rememberDevice bool) (*login.Result, error) {
	s := m.Factors
	ctx := r.Context()
	p, err := s.Pending(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	amr := "otp"
	switch {
	case method == PageEmail:
		err = s.CheckEmailCode(ctx, p.User, p.ParentID(), otcToken, code)
	case method == PageSMS:
		amr = "sms"
		_, err = s.CheckSMSCode(ctx, p.User, p.ParentID(), otcToken, code, PurposeVerify)
	case method != "":
		return nil, iam.Invalid("method must be %s or %s", PageEmail, PageSMS)
	case totpShaped.MatchString(code):
		var ok bool
		if ok, err = s.VerifyTOTP(ctx, p.User, "", code); err == nil && !ok {
			err = ErrInvalidCode
		}
	default:
		if err = s.RecoverUser(ctx, p.User, code); errors.Is(err, ErrRecoveryFailed) {
			err = ErrInvalidCode
		}
	}
	if errors.Is(err, ErrInvalidCode) {
		return nil, s.Fail(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	f, err := s.Finish(ctx, p, amr, rememberDevice)
	if err != nil {
		return nil, err
	}
	if f.Remember != "" {
		core, err := s.Settings.Core(ctx)
		if err != nil {
			return nil, err
		}
		s.Cookies.SetDevice(w, f.Remember, f.RememberExpires, core.CookieSameSite)
	}
	return f.Result, nil
}
