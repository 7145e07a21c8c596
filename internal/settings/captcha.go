package settings

import (
	"errors"
	"net/http"
	"net/mail"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// captchaRequest is the body of the captcha policy's POST and PUT; every
// field but ignoredEmails is required.
type captchaRequest struct {
	Enabled       *bool    `json:"enabled"`
	SiteKey       string   `json:"siteKey"`
	SecretKey     string   `json:"secretKey"`
	MinScore      *float64 `json:"minScore"`
	IgnoredEmails []string `json:"ignoredEmails"`
}

func (req *captchaRequest) validate() error {
	switch {
	case req.Enabled == nil:
		return iam.Invalid("enabled is required")
	case req.SiteKey == "":
		return iam.Invalid("siteKey is required")
	case req.SecretKey == "":
		return iam.Invalid("secretKey is required")
	case req.MinScore == nil || *req.MinScore < 0 || *req.MinScore > 1:
		return iam.Invalid("minScore must be a number between 0 and 1")
	}
	for _, e := range req.IgnoredEmails {
		if _, err := mail.ParseAddress(e); err != nil {
			return iam.Invalid("ignoredEmails must hold emails: %q is not one", e)
		}
	}
	return nil
}

// captchaJSON is the vendor's view of the policy, secret key included (the
// spec's shape; the route needs the vendor token).
type captchaJSON struct {
	ID            string    `json:"id"`
	SiteKey       string    `json:"siteKey"`
	SecretKey     string    `json:"secretKey"`
	Enabled       bool      `json:"enabled"`
	MinScore      float64   `json:"minScore"`
	IgnoredEmails []string  `json:"ignoredEmails"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// publicCaptchaJSON is what the login box needs to render the captcha.
type publicCaptchaJSON struct {
	ID        string    `json:"id"`
	SiteKey   string    `json:"siteKey"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

var errNoCaptcha = iam.NotFound("Captcha policy not found")

func (h *Handler) captchaJSON(c policy.CaptchaPolicy) (captchaJSON, error) {
	secret, err := h.Sealer.Open(c.SecretKey, policy.CaptchaSecretAAD)
	if err != nil {
		return captchaJSON{}, err
	}
	emails := c.IgnoredEmails
	if emails == nil {
		emails = []string{}
	}
	return captchaJSON{ID: c.ID, SiteKey: c.SiteKey, SecretKey: string(secret), Enabled: c.Enabled, MinScore: c.MinScore,
		IgnoredEmails: emails, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}, nil
}

// saveCaptcha stores the body as the captcha policy. create says whether the
// policy must not exist yet (POST: 409 when it does); otherwise (PUT) it is
// replaced, or created when missing.
func (h *Handler) saveCaptcha(r *http.Request, create bool) (captchaJSON, error) {
	var req captchaRequest
	if err := api.Decode(r, &req); err != nil {
		return captchaJSON{}, err
	}
	if err := req.validate(); err != nil {
		return captchaJSON{}, err
	}
	now := h.Now()
	var c policy.CaptchaPolicy
	err := h.DB.UpdateSetting(r.Context(), "", policy.CaptchaName, &c, now, func(found bool) error {
		if found && create {
			return iam.Conflict("A captcha policy already exists; change it with PUT")
		}
		if !found {
			c.ID, c.CreatedAt = uuid.NewString(), now
		}
		c.Enabled, c.SiteKey, c.MinScore, c.IgnoredEmails = *req.Enabled, req.SiteKey, *req.MinScore, req.IgnoredEmails
		c.SecretKey = h.Sealer.Seal([]byte(req.SecretKey), policy.CaptchaSecretAAD)
		c.UpdatedAt = now
		return nil
	})
	if err != nil {
		return captchaJSON{}, err
	}
	return h.captchaJSON(c)
}

// createCaptcha creates the captcha policy; 409 when there is one.
func (h *Handler) createCaptcha(w http.ResponseWriter, r *http.Request) error {
	out, err := h.saveCaptcha(r, true)
	if err != nil {
		return err
	}
	return api.Created(w, out)
}

// updateCaptcha replaces the captcha policy, creating it when there is none.
func (h *Handler) updateCaptcha(w http.ResponseWriter, r *http.Request) error {
	out, err := h.saveCaptcha(r, false)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// findCaptcha returns the stored policy, or errNoCaptcha.
func (h *Handler) findCaptcha(r *http.Request) (policy.CaptchaPolicy, error) {
	var c policy.CaptchaPolicy
	err := h.DB.FindSetting(r.Context(), "", policy.CaptchaName, &c)
	if errors.Is(err, iam.ErrNotFound) {
		return c, errNoCaptcha
	}
	return c, err
}

// getCaptcha answers the captcha policy; 404 when there is none.
func (h *Handler) getCaptcha(w http.ResponseWriter, r *http.Request) error {
	c, err := h.findCaptcha(r)
	if err != nil {
		return err
	}
	out, err := h.captchaJSON(c)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// getPublicCaptcha answers the policy without its secret or exempt emails;
// 404 when there is none, which the browser client reads as "no captcha".
func (h *Handler) getPublicCaptcha(w http.ResponseWriter, r *http.Request) error {
	c, err := h.findCaptcha(r)
	if err != nil {
		return err
	}
	return api.OK(w, publicCaptchaJSON{ID: c.ID, SiteKey: c.SiteKey, Enabled: c.Enabled, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
}
