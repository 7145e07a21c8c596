package passwordless

import (
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the passwordless routes.
type Handler struct {
	DB       *store.DB
	Factors  *factors.Service
	Login    *login.Service
	Cookies  *login.Cookies
	Settings *policy.Settings
	Captcha  *policy.Captcha // checks recaptchaToken when the captcha policy is on
	Now      func() time.Time
}

// complete signs u in with the first-factor methods and writes the login
// response (status), or the MFA branch when the user needs a second factor.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request, status int, a *login.Attempt) error {
	ctx := r.Context()
	a.TenantID, a.IP, a.UserAgent = r.Header.Get("frontegg-tenant-id"), api.ClientIP(ctx), r.UserAgent()
	a.Device = h.Cookies.ReadDevice(r)
	res, err := h.Login.Complete(ctx, a)
	if err != nil {
		return err
	}
	return h.Factors.Write(w, r, &factors.Finished{Result: res}, status)
}

// bindingCookie names the cookie that binds a sent code to the browser that
// asked for it.
func (h *Handler) bindingCookie() string {
	return "fe_passwordless_" + strings.ReplaceAll(h.Cookies.ClientID, "-", "")
}
