package passwordless

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
)

// method is one way of sending a sign-in secret.
type method struct {
	name       string   // factors.MagicLink, EmailOTC, SMSOTC
	strategies []string // the core authStrategy values that allow it
	amr        string   // what the sign-in proves
	status     int      // prelogin's status
}

var (
	sendMagicLink = method{name: factors.MagicLink, strategies: []string{"MagicLink", "UsernameAndMagicLink"}, amr: "otp", status: http.StatusOK}
	sendEmailCode = method{name: factors.EmailOTC, strategies: []string{"Code", "UsernameAndCode"}, amr: "otp", status: http.StatusCreated}
	sendSMSCode   = method{name: factors.SMSOTC, strategies: []string{"SmsCode", "UsernameAndSms"}, amr: "sms", status: http.StatusCreated}
)

// allowed refuses a method the environment's authStrategy does not use: an
// environment set up for passwords does not let a link sign anyone in.
func (h *Handler) allowed(r *http.Request, m method) error {
	core, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	if !slices.Contains(m.strategies, core.AuthStrategy) {
		return iam.Forbidden("Passwordless sign-in with %s is not enabled", m.name)
	}
	return nil
}

type preloginRequest struct {
	Email          string `json:"email"`
	Username       string `json:"username"`
	UserID         string `json:"userId"`
	PhoneNumber    string `json:"phoneNumber"`
	RecaptchaToken string `json:"recaptchaToken"`
}

// prelogin sends the sign-in link or code of m to the user named by email,
// username, userId or (for SMS) phoneNumber. The answer is the same whether
// or not such a user exists. For codes it sets the binding cookie.
func (h *Handler) prelogin(m method) api.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req preloginRequest
		if err := api.Decode(r, &req); err != nil {
			return err
		}
		req.Email, req.Username = strings.TrimSpace(req.Email), strings.TrimSpace(req.Username)
		if req.Email == "" && req.Username == "" && req.UserID == "" && (m.name != factors.SMSOTC || req.PhoneNumber == "") {
			if m.name == factors.SMSOTC {
				return iam.Invalid("email, username, userId or phoneNumber is required")
			}
			return iam.Invalid("email, username or userId is required")
		}
		if err := h.allowed(r, m); err != nil {
			return err
		}
		ctx := r.Context()
		if err := h.Captcha.Verify(ctx, req.RecaptchaToken, req.Email, api.ClientIP(ctx)); err != nil {
			return err
		}
		u, err := h.findUser(r, req)
		if err != nil {
			return err
		}
		core, err := h.Settings.Core(ctx)
		if err != nil {
			return err
		}
		ttl := time.Duration(core.DefaultPasswordlessTokenExpiration) * time.Second
		token := ""
		if u != nil {
			if token, err = h.Factors.SendPasswordless(ctx, u, m.name, ttl); err != nil {
				return err
			}
		} else {
			token = secure.RandomToken(32) // like a real one, identifying nothing
		}
		if m.name != factors.MagicLink {
			h.Cookies.SetNamed(w, h.bindingCookie(), token, h.Now().Add(factors.MaxCodeLifetime), core.CookieSameSite)
		}
		return api.JSON(w, m.status, struct{}{})
	}
}

// findUser returns the user named in req, or nil when there is none.
func (h *Handler) findUser(r *http.Request, req preloginRequest) (*iam.User, error) {
	ctx := r.Context()
	var u *iam.User
	var err error
	switch {
	case req.Email != "":
		u, err = h.DB.FindUserByEmail(ctx, req.Email)
	case req.Username != "":
		u, err = h.DB.FindUserByUsername(ctx, req.Username)
	case req.UserID != "":
		u, err = h.DB.FindUser(ctx, req.UserID)
	default:
		u, err = h.DB.FindUserByPhone(ctx, req.PhoneNumber)
	}
	if errors.Is(err, iam.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

type postloginRequest struct {
	Token          string `json:"token"`
	Email          string `json:"email"`
	RecaptchaToken string `json:"recaptchaToken"`
}

// postlogin signs in with a link's token, or with a code (token) checked
// against the challenge the binding cookie names or, without the cookie, the
// latest one sent to email.
func (h *Handler) postlogin(m method) api.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req postloginRequest
		if err := api.Decode(r, &req); err != nil {
			return err
		}
		if req.Token == "" {
			return iam.Invalid("token is required")
		}
		if err := h.allowed(r, m); err != nil {
			return err
		}
		ctx := r.Context()
		var u *iam.User
		var err error
		if m.name == factors.MagicLink {
			u, err = h.Factors.UseMagicLink(ctx, req.Token)
		} else {
			binding := ""
			if ck, cerr := r.Cookie(h.bindingCookie()); cerr == nil {
				binding = ck.Value
			}
			var named *iam.User
			if binding == "" && req.Email != "" {
				if named, err = h.DB.FindUserByEmail(ctx, req.Email); errors.Is(err, iam.ErrNotFound) {
					return factors.ErrPasswordlessFailed
				} else if err != nil {
					return err
				}
			}
			u, err = h.Factors.UsePasswordlessCode(ctx, m.name, binding, named, req.Token)
		}
		if err != nil {
			return err
		}
		return h.complete(w, r, http.StatusCreated, &login.Attempt{User: u, Methods: []string{m.amr}})
	}
}
