package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// CaptchaPolicy is the environment's captcha policy (Frontegg's "Core
// settings" captcha-policy routes). When Enabled, logins and sign-ups must
// carry a reCAPTCHA token that Google's siteverify API accepts with at least
// MinScore (reCAPTCHA v3; v2 answers carry no score and need only succeed),
// except for the addresses in IgnoredEmails (for automated tests).
type CaptchaPolicy struct {
	ID            string    `json:"id"`
	Enabled       bool      `json:"enabled"`
	SiteKey       string    `json:"siteKey"`
	SecretKey     string    `json:"secretKey"` // sealed at rest (CaptchaSecretAAD)
	MinScore      float64   `json:"minScore"`  // 0 to 1; lower scores are refused
	IgnoredEmails []string  `json:"ignoredEmails"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// CaptchaName is the environment's settings document holding CaptchaPolicy.
const CaptchaName = "captcha-policy"

// CaptchaSecretAAD binds a sealed captcha secret key to its place.
const CaptchaSecretAAD = "captcha-policy.secretKey"

// RecaptchaVerifyURL is Google's siteverify endpoint.
const RecaptchaVerifyURL = "https://www.google.com/recaptcha/api/siteverify"

// Captcha verifies reCAPTCHA tokens against the captcha policy.
type Captcha struct {
	DB     *store.DB
	Sealer *secure.Sealer
	Client *http.Client // with a timeout; siteverify calls use it
	// VerifyURL is the siteverify endpoint (RecaptchaVerifyURL in production).
	VerifyURL string
	Now       func() time.Time
}

// Errors a caller sees when the captcha check fails. They do not depend on
// the account, so they reveal nothing about which accounts exist.
var (
	ErrCaptchaMissing  = iam.Invalid("recaptchaToken is required")
	ErrCaptchaRejected = iam.Invalid("recaptchaToken was not accepted")
)

// Policy returns the captcha policy with its secret key opened, or a disabled
// policy when none was saved.
func (c *Captcha) Policy(ctx context.Context) (CaptchaPolicy, error) {
	var p CaptchaPolicy
	err := c.DB.FindSetting(ctx, "", CaptchaName, &p)
	if errors.Is(err, iam.ErrNotFound) {
		return CaptchaPolicy{}, nil
	}
	if err != nil {
		return p, err
	}
	if strings.HasPrefix(p.SecretKey, "v1:") {
		plain, err := c.Sealer.Open(p.SecretKey, CaptchaSecretAAD)
		if err != nil {
			return p, fmt.Errorf("captcha secret key: %w", err)
		}
		p.SecretKey = string(plain)
	}
	return p, nil
}

// SavePolicy stores p with its secret key sealed under the master key.
func (c *Captcha) SavePolicy(ctx context.Context, p CaptchaPolicy) error {
	p.SecretKey = c.Sealer.Seal([]byte(p.SecretKey), CaptchaSecretAAD)
	return c.DB.SaveSetting(ctx, "", CaptchaName, p, c.Now())
}

// siteverifyResponse is the answer of Google's siteverify API.
type siteverifyResponse struct {
	Success    bool     `json:"success"`
	Score      *float64 `json:"score"` // v3 only
	Action     string   `json:"action"`
	Hostname   string   `json:"hostname"`
	ErrorCodes []string `json:"error-codes"`
}

// Verify returns nil when the captcha policy is off, when email is one of its
// ignored addresses, or when siteverify accepts token from clientIP with a
// good enough score. Otherwise it returns ErrCaptchaMissing or
// ErrCaptchaRejected (400), or an internal error when siteverify cannot be
// reached: the check fails closed.
func (c *Captcha) Verify(ctx context.Context, token, email, clientIP string) error {
	p, err := c.Policy(ctx)
	if err != nil || !p.Enabled {
		return err
	}
	if email != "" && slices.ContainsFunc(p.IgnoredEmails, func(e string) bool { return strings.EqualFold(strings.TrimSpace(e), strings.TrimSpace(email)) }) {
		return nil
	}
	if token == "" {
		return ErrCaptchaMissing
	}
	form := url.Values{"secret": {p.SecretKey}, "response": {token}}
	if clientIP != "" {
		form.Set("remoteip", clientIP)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.VerifyURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("captcha siteverify: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Client.Do(req)
	if err != nil {
		return fmt.Errorf("captcha siteverify: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("captcha siteverify: status %d", resp.StatusCode)
	}
	var v siteverifyResponse
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return fmt.Errorf("captcha siteverify: %w", err)
	}
	if !v.Success || (v.Score != nil && *v.Score < p.MinScore) {
		return &iam.Error{Kind: iam.KindInvalid, Message: ErrCaptchaRejected.Message,
			Err: fmt.Errorf("siteverify success=%v score=%v errors=%v", v.Success, v.Score, v.ErrorCodes)}
	}
	return nil
}
