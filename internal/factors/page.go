package factors

import (
	"net/http"

	"github.com/hatchid/hatch/internal/login"
)

// PageMFA completes, for the hosted login page, a login challenged for a
// second factor with an authenticator-app code: the same checks, limits and
// session as POST /identity/resources/auth/v1/user/mfa/verify. The page sets
// the refresh cookie from the result; the remember-this-device cookie is set
// here.
type PageMFA struct {
	Factors *Service
}

// Verify checks code for the login challenged with mfaToken and completes it.
func (m PageMFA) Verify(w http.ResponseWriter, r *http.Request, mfaToken, code string, rememberDevice bool) (*login.Result, error) {
	s := m.Factors
	ctx := r.Context()
	p, err := s.Pending(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	ok, err := s.VerifyTOTP(ctx, p.User, "", code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.Fail(ctx, p)
	}
	f, err := s.Finish(ctx, p, "otp", rememberDevice)
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
