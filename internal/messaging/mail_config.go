package messaging

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	msmtp "github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/notify"
)

// Hatch delivers email over SMTP. Frontegg's configurations name SendGrid,
// SES or Mailgun API keys; each of those services also offers an SMTP relay,
// which is what Hatch is configured with:
//
//	POST mail/v1/configurations {"secret": "smtp://user:pass@host:port"}   (smtps:// for implicit TLS)
//	POST mail/v2/configurations {"payload": {"provider": "smtp", "host", "port", "username",
//	                             "password", "secure", "senderEmail", "fromName"}}
//
// Before a configuration is saved Hatch connects to the server, starts TLS
// when offered and logs in: a server that cannot be reached or refuses the
// credentials is a 400 that says why. The configuration replaces
// HATCH_SMTP_URL for the next message on every node, with no restart;
// deleting it returns to HATCH_SMTP_URL.

// mailConfigJSON is the configuration as GET shows it: Frontegg's fields
// (the secret without its password), and the SMTP details.
type mailConfigJSON struct {
	Provider    string    `json:"provider"`
	Secret      string    `json:"secret"` // the server's URL, without the password
	Host        string    `json:"host"`
	Port        int       `json:"port"`
	Username    string    `json:"username"`
	Secure      bool      `json:"secure"`
	SenderEmail string    `json:"senderEmail"`
	FromName    string    `json:"fromName"`
	Extension   []any     `json:"extension"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func toMailConfigJSON(c *notify.MailConfig) mailConfigJSON {
	scheme := "smtp"
	if c.Secure {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return mailConfigJSON{Provider: c.Provider, Secret: u.String(), Host: c.Host, Port: c.Port, Username: c.Username,
		Secure: c.Secure, SenderEmail: c.SenderEmail, FromName: c.FromName, Extension: []any{},
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

var errNoMailConfig = iam.NotFound("Mail configuration not found")

func (h *Handler) getMailConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := notify.LoadMailConfig(r.Context(), h.DB)
	if errors.Is(err, iam.ErrNotFound) {
		return errNoMailConfig
	}
	if err != nil {
		return err
	}
	return api.OK(w, toMailConfigJSON(c))
}

// putMailConfigV1 takes the server as an smtp:// or smtps:// URL in secret.
// The sender fields of an earlier configuration are kept.
func (h *Handler) putMailConfigV1(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Secret string `json:"secret"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	secret := strings.TrimSpace(req.Secret)
	if secret == "" {
		return iam.Invalid("secret is required")
	}
	if !strings.HasPrefix(secret, "smtp://") && !strings.HasPrefix(secret, "smtps://") {
		return iam.Invalid("secret must be an smtp:// or smtps:// URL of the mail server (Hatch sends mail over SMTP)")
	}
	s, err := msmtp.Parse(secret)
	if err != nil {
		return iam.Invalid("secret must be an smtp:// or smtps:// URL of the mail server: %v", err)
	}
	_, portText, _ := net.SplitHostPort(s.Addr)
	port, _ := strconv.Atoi(portText)
	c := &notify.MailConfig{Host: s.Host, Port: port, Username: s.Username, Secure: s.ImplicitTLS}
	if prev, err := notify.LoadMailConfig(r.Context(), h.DB); err == nil {
		c.SenderEmail, c.FromName = prev.SenderEmail, prev.FromName
	}
	created, err := h.saveMailConfig(r.Context(), c, &s.Password)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return api.JSON(w, status, toMailConfigJSON(c))
}

// smtpPayload is the payload of mail/v2/configurations for provider smtp.
type smtpPayload struct {
	Provider    string  `json:"provider"`
	Host        string  `json:"host"`
	Port        int     `json:"port"`
	Username    string  `json:"username"`
	Password    *string `json:"password"` // absent: keep the password of the same server and user
	Secure      bool    `json:"secure"`
	SenderEmail string  `json:"senderEmail"`
	FromName    string  `json:"fromName"`
}

// frontegg's providers, which Hatch does not call: it takes their SMTP relays.
var apiProviders = map[string]bool{"sendgrid": true, "ses": true, "ses-role": true, "mailgun": true}

func (h *Handler) putMailConfigV2(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Payload *smtpPayload `json:"payload"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p := req.Payload
	switch {
	case p == nil:
		return iam.Invalid("payload is required")
	case apiProviders[p.Provider]:
		return iam.Invalid("payload.provider %s is not supported: Hatch sends mail over SMTP; configure the provider's SMTP relay with provider smtp", p.Provider)
	case p.Provider != "smtp":
		return iam.Invalid("payload.provider must be smtp")
	}
	c := &notify.MailConfig{Host: strings.TrimSpace(p.Host), Port: p.Port, Username: p.Username, Secure: p.Secure,
		SenderEmail: strings.TrimSpace(p.SenderEmail), FromName: strings.TrimSpace(p.FromName)}
	if _, err := h.saveMailConfig(r.Context(), c, p.Password); err != nil {
		return err
	}
	return api.Created(w, toMailConfigJSON(c))
}

// saveMailConfig checks c, seals password (nil keeps the stored one when the
// server and user are the same), tests the server and saves c. It reports
// whether there was no configuration before.
func (h *Handler) saveMailConfig(ctx context.Context, c *notify.MailConfig, password *string) (bool, error) {
	if err := checkMailConfig(c); err != nil {
		return false, err
	}
	prev, err := notify.LoadMailConfig(ctx, h.DB)
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return false, err
	}
	now := h.Now()
	c.Provider, c.CreatedAt, c.UpdatedAt = "smtp", now, now
	switch {
	case password != nil:
		c.SealPassword(h.Sealer, *password)
	case prev != nil && prev.Host == c.Host && prev.Username == c.Username:
		c.Password = prev.Password
	}
	if prev != nil {
		c.CreatedAt = prev.CreatedAt
	}
	sender, err := c.Sender(h.Sealer)
	if err != nil {
		return false, err
	}
	sender.Timeout = h.MailTimeout
	if err := sender.Verify(ctx); err != nil {
		return false, iam.Invalid("Could not connect to the mail server %s: %v", sender.Addr, err)
	}
	return prev == nil, h.DB.SaveSetting(ctx, "", notify.MailConfigName, c, now)
}

// checkMailConfig validates the fields of c with 400s naming them.
func checkMailConfig(c *notify.MailConfig) error {
	switch {
	case c.Host == "":
		return iam.Invalid("host is required")
	case len(c.Host) > 253 || strings.ContainsAny(c.Host, " /@?#"):
		return iam.Invalid("host must be a host name or an IP address")
	case c.Port < 1 || c.Port > 65535:
		return iam.Invalid("port must be between 1 and 65535")
	case len(c.Username) > 512:
		return iam.Invalid("username must be at most 512 characters")
	case c.SenderEmail != "" && !isEmail(c.SenderEmail):
		return iam.Invalid("senderEmail must be an email")
	case len(c.FromName) > 512 || strings.ContainsAny(c.FromName, "\r\n"):
		return iam.Invalid("fromName must be one line of at most 512 characters")
	}
	return nil
}

// isEmail reports whether s is a bare email address.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 512
}

func (h *Handler) deleteMailConfig(w http.ResponseWriter, r *http.Request) error {
	if err := h.DB.DeleteSetting(r.Context(), "", notify.MailConfigName); err != nil {
		return err
	}
	return api.NoContent(w)
}
