package auth

import (
	"context"
	"net/http"

	"github.com/hatchid/hatch/internal/login"
)

// The hosted login page (package oauth) signs users in, up and out of a
// forgotten password through these methods, so that its forms and the JSON
// routes share one code path: the same checks, the same answers, the same
// emails. None writes a response; the page does.

// PasswordLogin is POST /identity/resources/auth/v1/user for an email and
// password from a form: the same captcha check, lockout, lazy migration and
// login completion. r is the page's request (its address, user agent and
// cookies). The error is the route's: an *iam.Error the user may see.
func (h *Handler) PasswordLogin(r *http.Request, email, password, recaptchaToken string) (*login.Result, error) {
	return h.passwordLogin(r, &loginRequest{Email: email, Password: password, RecaptchaToken: recaptchaToken})
}

// SendPasswordReset is POST /identity/resources/users/v1/passwords/reset for
// an email: it emails a reset link when the address has a user, and answers
// the same (nil) when it does not.
func (h *Handler) SendPasswordReset(ctx context.Context, email string) error {
	return h.passwordResetFor(ctx, &forgotPasswordRequest{Email: email})
}

// SignUp is POST /identity/resources/users/v1/signUp for a form: it creates
// the account companyName with its first user, after the same captcha check. It returns the login result
// when the user is logged in at once, and nil when the user must first
// activate through the emailed link (also the answer for an address that
// already has an account, which is told by email instead).
func (h *Handler) SignUp(r *http.Request, email, name, password, companyName, recaptchaToken string) (*login.Result, error) {
	_, res, err := h.register(r, &signUpRequest{Email: email, Name: name, Password: password, CompanyName: companyName,
		RecaptchaToken: recaptchaToken}, false)
	return res, err
}
