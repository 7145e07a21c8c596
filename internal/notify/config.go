package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	msmtp "github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms"
	"github.com/hatchid/hatch/internal/store"
)

// Settings documents of the environment that this package reads; the
// messaging and invitations routes write them.
const (
	MailConfigName         = "mail-configuration"
	SMSConfigName          = "sms-configuration"
	ActivationStrategyName = "activation-strategy"
	InvitationStrategyName = "invitation-strategy"
)

// Associated data of the sealed secrets, so a value copied elsewhere does not open.
const (
	mailPasswordAAD = "mail-configuration/password"
	smsTokenAAD     = "sms-configuration/token"
)

// MailConfig is the environment's mail server, set through the Email
// configuration API. It replaces HATCH_SMTP_URL while it exists.
type MailConfig struct {
	Provider    string    `json:"provider"` // "smtp"
	Host        string    `json:"host"`
	Port        int       `json:"port"`
	Username    string    `json:"username"`
	Password    string    `json:"password"` // sealed
	Secure      bool      `json:"secure"`   // TLS from the first byte (smtps); otherwise STARTTLS when offered
	SenderEmail string    `json:"senderEmail"`
	FromName    string    `json:"fromName"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// SealPassword stores password sealed in c.
func (c *MailConfig) SealPassword(s *secure.Sealer, password string) {
	c.Password = ""
	if password != "" {
		c.Password = s.Seal([]byte(password), mailPasswordAAD)
	}
}

// Sender returns a sender for c's server, opening its password with s.
func (c *MailConfig) Sender(s *secure.Sealer) (*msmtp.Sender, error) {
	password := ""
	if c.Password != "" {
		raw, err := s.Open(c.Password, mailPasswordAAD)
		if err != nil {
			return nil, fmt.Errorf("mail configuration password: %w", err)
		}
		password = string(raw)
	}
	scheme := "smtp"
	if c.Secure {
		scheme = "smtps"
	}
	sender, err := msmtp.Parse(scheme + "://" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
	if err != nil {
		return nil, err
	}
	sender.Username, sender.Password = c.Username, password
	return sender, nil
}

// From returns the sender address of c ("Name <address>"), or "" when c names none.
func (c *MailConfig) From() string {
	if c.SenderEmail == "" {
		return ""
	}
	return (&mail.Address{Name: c.FromName, Address: c.SenderEmail}).String()
}

// LoadMailConfig returns the configured mail server, or iam.ErrNotFound.
func LoadMailConfig(ctx context.Context, db *store.DB) (*MailConfig, error) {
	var c MailConfig
	if err := db.FindSetting(ctx, "", MailConfigName, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// SMSConfig is the environment's SMS provider (Twilio), set through the SMS
// configuration API. Without one, SMS wait in the outbox.
type SMSConfig struct {
	Provider   string    `json:"provider"`  // "twilio"
	AccountID  string    `json:"accountId"` // the account SID
	Token      string    `json:"token"`     // the auth token, sealed
	ServiceID  string    `json:"serviceId"` // a messaging service SID, sent instead of a sender when set
	SenderName string    `json:"senderName"`
	Channel    string    `json:"channel"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// SealToken stores token sealed in c.
func (c *SMSConfig) SealToken(s *secure.Sealer, token string) {
	c.Token = s.Seal([]byte(token), smsTokenAAD)
}

// Sender returns a sender for c's account at the API baseURL, opening its token with s.
func (c *SMSConfig) Sender(s *secure.Sealer, baseURL string, client *http.Client) (*sms.Sender, error) {
	token, err := s.Open(c.Token, smsTokenAAD)
	if err != nil {
		return nil, fmt.Errorf("SMS configuration token: %w", err)
	}
	return &sms.Sender{BaseURL: baseURL, AccountSID: c.AccountID, AuthToken: string(token), From: c.SenderName,
		MessagingServiceSID: c.ServiceID, Client: client}, nil
}

// LoadSMSConfig returns the configured SMS provider, or iam.ErrNotFound.
func LoadSMSConfig(ctx context.Context, db *store.DB) (*SMSConfig, error) {
	var c SMSConfig
	if err := db.FindSetting(ctx, "", SMSConfigName, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Strategy says how an activation or invitation email lets its reader in:
// "link" (a link carrying a one-time token) or "code" (the same link plus a
// six-digit code the page asks for, with the WithCode template), and for how
// many seconds either works.
type Strategy struct {
	Strategy       string `json:"strategy"`
	CodeExpiration int    `json:"codeExpiration"`
}

// Strategy values.
const (
	StrategyLink = "link"
	StrategyCode = "code"
)

// DefaultStrategy is a link that works for a week.
func DefaultStrategy() Strategy {
	return Strategy{Strategy: StrategyLink, CodeExpiration: int((7 * 24 * time.Hour).Seconds())}
}

// TTL is how long what the email carries works.
func (s Strategy) TTL() time.Duration { return time.Duration(s.CodeExpiration) * time.Second }

// Validate checks s, with 400s naming the field.
func (s Strategy) Validate() error {
	switch {
	case s.Strategy != StrategyLink && s.Strategy != StrategyCode:
		return iam.Invalid("strategy must be one of code, link")
	case s.CodeExpiration < 60:
		return iam.Invalid("codeExpiration must be at least 60 seconds")
	case s.CodeExpiration > 90*86400:
		return iam.Invalid("codeExpiration must be at most 7776000 seconds")
	}
	return nil
}

// LoadStrategy returns the strategy document name, or its default when it was never set.
func LoadStrategy(ctx context.Context, q interface {
	FindSetting(ctx context.Context, tenantID, name string, v any) error
}, name string) (Strategy, error) {
	s := DefaultStrategy()
	if err := q.FindSetting(ctx, "", name, &s); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return s, err
	}
	return s, nil
}
