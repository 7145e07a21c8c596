package oauth

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
)

// The login page's forms. Each carries the sealed authorization request
// (ticket) and a CSRF token bound to it; each POST checks both and that the
// client still has the redirect URI, then answers with the next form, an
// error on the same form, or a 303 to the application with a code. Page
// handlers render their own errors as HTML and return what rendering
// returns, so the router writes no JSON on these routes.

// ticketFrom reads the page's ticket (from the form for a POST, after
// checking the CSRF token, or from the query) and checks that its client is
// still active with that redirect URI. It returns the request even with
// errTicketExpired or a CSRF failure, so the page can offer to start over.
func (h *Handler) ticketFrom(r *http.Request, post bool) (*authRequest, string, error) {
	ticket := r.URL.Query().Get("ticket")
	if post {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			return nil, "", &pageError{http.StatusUnsupportedMediaType, "The form could not be read."}
		}
		if err := r.ParseForm(); err != nil {
			return nil, "", &pageError{http.StatusBadRequest, "The form could not be read."}
		}
		ticket = r.PostForm.Get("ticket")
	}
	req, err := h.openTicket(ticket)
	if err != nil {
		return req, "", err
	}
	if post && !h.checkCSRF(r, ticket) {
		return req, "", &pageError{http.StatusForbidden, "This form was not sent from the sign-in page Hatch showed this browser, or the page is too old."}
	}
	c, err := h.findClient(r.Context(), req.ClientID)
	if errors.Is(err, errUnknownClient) || (err == nil && (!c.Active || !c.allowsRedirect(req.RedirectURI))) {
		return nil, "", errTicketInvalid
	}
	return req, ticket, err
}

// ticketFailure renders a ticketFrom error, with a link that starts the
// authorization request over when it is known.
func (h *Handler) ticketFailure(w http.ResponseWriter, r *http.Request, req *authRequest, err error) error {
	var pe *pageError
	if req != nil && errors.As(err, &pe) {
		return h.message(w, r, pe.status, "Please start again", pe.message, &link{URL: h.authorizeURL(req), Text: "Start again"})
	}
	return h.pageFailure(w, r, err)
}

// renderLogin shows the email and password form.
func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, req *authRequest, ticket string, status int, msg, email string) error {
	ctx := r.Context()
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return h.pageFailure(w, r, err)
	}
	p := &page{View: "login", Title: "Sign in", Ticket: ticket, CSRF: h.csrfToken(w, r, ticket), Error: msg, Email: email,
		AllowSignup: core.AllowSignups, SSO: h.SSO != nil}
	if h.SSO != nil {
		if p.Providers, err = h.SSO.Providers(ctx, h.authorizeURL(req)); err != nil {
			return h.pageFailure(w, r, err)
		}
	}
	return h.render(w, r, status, p)
}

// shown returns the message and status of an error the user may see, and
// ok false for a failure of Hatch's own.
func shown(err error) (string, int, bool) {
	var ie *iam.Error
	if !errors.As(err, &ie) || iam.KindOf(err) == iam.KindInternal {
		return "", 0, false
	}
	switch ie.Message {
	// The captcha's messages name the JSON field; the page's is the widget.
	case policy.ErrCaptchaMissing.Message:
		return "Confirm that you are not a robot, then try again.", http.StatusBadRequest, true
	case policy.ErrCaptchaRejected.Message:
		return "The check that you are not a robot failed. Please try again.", http.StatusBadRequest, true
	}
	return ie.Message, statusOf(iam.KindOf(err)), true
}

// loginPage shows the login form again (the "back to sign in" links).
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, false)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	return h.renderLogin(w, r, req, ticket, http.StatusOK, "", req.LoginHint)
}

// loginSubmit checks the email and password. An email whose domain uses
// single sign-on goes to its identity provider instead.
func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	if email == "" {
		return h.renderLogin(w, r, req, ticket, http.StatusBadRequest, "Enter your email address.", email)
	}
	if h.SSO != nil {
		target, ok, err := h.SSO.Prelogin(w, r, email, h.authorizeURL(req))
		if err != nil {
			return h.pageFailure(w, r, err)
		}
		if ok {
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
	}
	if password == "" {
		return h.renderLogin(w, r, req, ticket, http.StatusBadRequest, "Enter your password.", email)
	}
	res, err := h.Accounts.PasswordLogin(r, email, password, r.PostForm.Get("g-recaptcha-response"))
	if err != nil {
		if msg, status, ok := shown(err); ok {
			return h.renderLogin(w, r, req, ticket, status, msg, email)
		}
		return h.pageFailure(w, r, err)
	}
	return h.afterLogin(w, r, req, ticket, res, email)
}

// afterLogin goes on from a login result: the second-factor form, the notice
// of an expired password, or the application with a code.
func (h *Handler) afterLogin(w http.ResponseWriter, r *http.Request, req *authRequest, ticket string, res *login.Result, email string) error {
	ctx := r.Context()
	switch {
	case res.Response != nil && res.Response.MFARequired:
		if h.MFA == nil {
			return h.message(w, r, http.StatusForbidden, "Two-step verification needed",
				"Your account uses two-step verification, which this sign-in page cannot check. Sign in through the application instead.", nil)
		}
		return h.renderMFA(w, r, ticket, mfaView{Token: res.Response.MFAToken}, http.StatusOK, "", "")
	case res.RefreshToken == "" && res.Response != nil && res.Response.ResetPasswordToken != "":
		// The password rotation policy expired the password: the login gave
		// no session, only a reset token meant for the JSON client. The page
		// sends the reset link by email instead.
		if err := h.Accounts.SendPasswordReset(ctx, email); err != nil {
			return h.pageFailure(w, r, err)
		}
		return h.message(w, r, http.StatusOK, "Your password has expired",
			"We have sent you an email with a link to choose a new password.", h.backToLogin(r, ticket))
	case res.RefreshToken == "":
		return h.pageFailure(w, r, errors.New("login finished without a session"))
	}
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return h.pageFailure(w, r, err)
	}
	// The refresh cookie makes this browser signed in: later authorization
	// requests and silent refreshes find the session.
	h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	target, err := h.issueCode(ctx, req, res.SessionID, res.User.ID)
	if err != nil {
		return h.pageFailure(w, r, err)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (h *Handler) backToLogin(r *http.Request, ticket string) *link {
	return &link{URL: basePath(r) + "/oauth/login?ticket=" + url.QueryEscape(ticket), Text: "Back to sign in"}
}

// mfaSubmit checks the second factor's code and finishes the login.
func (h *Handler) mfaSubmit(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	if h.MFA == nil {
		return h.message(w, r, http.StatusForbidden, "Two-step verification needed",
			"This sign-in page cannot check two-step verification. Sign in through the application instead.", nil)
	}
	f := r.PostForm
	v := mfaView{Token: f.Get("mfaToken"), Method: f.Get("method"), OTCToken: f.Get("otcToken")}
	code := strings.TrimSpace(f.Get("code"))
	if code == "" {
		return h.renderMFA(w, r, ticket, v, http.StatusBadRequest, "Enter the verification code.", "")
	}
	res, err := h.MFA.Verify(w, r, v.Token, v.Method, v.OTCToken, code, f.Get("rememberDevice") == "true")
	if err != nil {
		if msg, status, ok := shown(err); ok {
			return h.renderMFA(w, r, ticket, v, status, msg, "")
		}
		return h.pageFailure(w, r, err)
	}
	return h.afterLogin(w, r, req, ticket, res, "")
}

// mfaSend sends a code by email or SMS (send is "email" or "sms:" and the
// device id) and shows the form for it, or goes back to the form for an
// authenticator-app or recovery code (send "app").
func (h *Handler) mfaSend(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	if h.MFA == nil {
		return h.pageFailure(w, r, &pageError{http.StatusBadRequest, "This sign-in page cannot check two-step verification."})
	}
	v := mfaView{Token: r.PostForm.Get("mfaToken")}
	method, deviceID, _ := strings.Cut(r.PostForm.Get("send"), ":")
	if method == "app" {
		return h.renderMFA(w, r, ticket, v, http.StatusOK, "", "")
	}
	otc, err := h.MFA.Send(r.Context(), v.Token, method, deviceID)
	if err != nil {
		if msg, status, ok := shown(err); ok {
			return h.renderMFA(w, r, ticket, v, status, msg, "")
		}
		return h.pageFailure(w, r, err)
	}
	v.Method, v.OTCToken = method, otc
	info := "We have sent a code to your email address. It is valid for a few minutes."
	if method == "sms" {
		info = "We have sent a code to your phone. It is valid for a few minutes."
	}
	return h.renderMFA(w, r, ticket, v, http.StatusOK, "", info)
}

// mfaView is the second-factor form: the MFA token and, for a code sent by
// email or SMS, its method and otcToken; renderMFA adds the other ways the
// user can prove it.
type mfaView struct {
	Token, Method, OTCToken string
	Email                   string              // codes can be emailed here
	Phones                  []login.PhoneDevice // codes can be texted to these (masked numbers)
}

// renderMFA shows the second-factor form for v with status, an error msg or
// an info message. An MFA token that died (expired, or too many wrong codes)
// sends the user back to the start.
func (h *Handler) renderMFA(w http.ResponseWriter, r *http.Request, ticket string, v mfaView, status int, msg, info string) error {
	d, err := h.MFA.Devices(r.Context(), v.Token)
	if err != nil {
		if text, status, ok := shown(err); ok {
			return h.message(w, r, status, "Please sign in again", text, h.backToLogin(r, ticket))
		}
		return h.pageFailure(w, r, err)
	}
	if len(d.Emails) > 0 {
		v.Email = d.Emails[0].Email
	}
	v.Phones = d.Phones
	return h.render(w, r, status, &page{View: "mfa", Title: "Two-step verification", Ticket: ticket,
		CSRF: h.csrfToken(w, r, ticket), MFA: v, Error: msg, Info: info})
}

// ssoSubmit sends the user to the identity provider of the email's domain.
func (h *Handler) ssoSubmit(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		return h.renderLogin(w, r, req, ticket, http.StatusBadRequest, "Enter your email address to sign in with single sign-on.", email)
	}
	if h.SSO == nil {
		return h.renderLogin(w, r, req, ticket, http.StatusBadRequest, "Single sign-on is not available.", email)
	}
	target, ok, err := h.SSO.Prelogin(w, r, email, h.authorizeURL(req))
	if err != nil {
		return h.pageFailure(w, r, err)
	}
	if !ok {
		return h.renderLogin(w, r, req, ticket, http.StatusBadRequest, "Single sign-on is not set up for this email address.", email)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// forgotPage shows the "forgot password" form.
func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, false)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	return h.render(w, r, http.StatusOK, &page{View: "forgot", Title: "Reset your password", Ticket: ticket,
		CSRF: h.csrfToken(w, r, ticket), Email: req.LoginHint})
}

// forgotSubmit sends a reset link, through the code path of
// POST /identity/resources/users/v1/passwords/reset, and answers the same
// whether or not the email has an account.
func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	again := func(status int, msg string) error {
		return h.render(w, r, status, &page{View: "forgot", Title: "Reset your password", Ticket: ticket,
			CSRF: h.csrfToken(w, r, ticket), Email: email, Error: msg})
	}
	if email == "" {
		return again(http.StatusBadRequest, "Enter your email address.")
	}
	if err := h.Accounts.SendPasswordReset(r.Context(), email); err != nil {
		if msg, status, ok := shown(err); ok {
			return again(status, msg)
		}
		return h.pageFailure(w, r, err)
	}
	return h.message(w, r, http.StatusOK, "Check your email",
		"If an account exists for "+email+", we have sent it a link to choose a new password.", h.backToLogin(r, ticket))
}

// signupPage shows the sign-up form when the environment allows sign-ups.
func (h *Handler) signupPage(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, false)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	if err := h.signupsAllowed(r); err != nil {
		return h.pageFailure(w, r, err)
	}
	return h.render(w, r, http.StatusOK, &page{View: "signup", Title: "Create your account", Ticket: ticket,
		CSRF: h.csrfToken(w, r, ticket), Email: req.LoginHint})
}

func (h *Handler) signupsAllowed(r *http.Request) error {
	core, err := h.Settings.Core(r.Context())
	if err == nil && !core.AllowSignups {
		return &pageError{http.StatusForbidden, "Sign-up is not available. Ask the application's administrator for an account."}
	}
	return err
}

// signupSubmit creates the account, through the code path of
// POST /identity/resources/users/v1/signUp. A user who may log in at once
// goes on to the application; one who must activate is told to check email.
func (h *Handler) signupSubmit(w http.ResponseWriter, r *http.Request) error {
	req, ticket, err := h.ticketFrom(r, true)
	if err != nil {
		return h.ticketFailure(w, r, req, err)
	}
	if err := h.signupsAllowed(r); err != nil {
		return h.pageFailure(w, r, err)
	}
	f := r.PostForm
	email, name, company := strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("companyName"))
	again := func(status int, msg string) error {
		return h.render(w, r, status, &page{View: "signup", Title: "Create your account", Ticket: ticket,
			CSRF: h.csrfToken(w, r, ticket), Email: email, Name: name, Company: company, Error: msg})
	}
	for _, field := range []struct{ value, msg string }{
		{name, "Enter your name."}, {company, "Enter your company's name."}, {email, "Enter your email address."}, {f.Get("password"), "Choose a password."},
	} {
		if field.value == "" {
			return again(http.StatusBadRequest, field.msg)
		}
	}
	res, err := h.Accounts.SignUp(r, email, name, f.Get("password"), company, f.Get("g-recaptcha-response"))
	if err != nil {
		if msg, status, ok := shown(err); ok {
			return again(status, msg)
		}
		return h.pageFailure(w, r, err)
	}
	if res == nil {
		return h.message(w, r, http.StatusOK, "Check your email",
			"We have sent a link to "+email+" to activate your account. Open it, then sign in.", h.backToLogin(r, ticket))
	}
	return h.afterLogin(w, r, req, ticket, res, email)
}
