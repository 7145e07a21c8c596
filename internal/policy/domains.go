package policy

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// DomainConfig is an account's email-domain restriction switch: off, or on
// with its allow list (only emails of listed domains may join the account) or
// its block list (emails of listed domains may not) in force, and optionally
// refusing the public email providers whatever the lists say.
type DomainConfig struct {
	Active             bool   `json:"active"`
	ListType           string `json:"listType"` // ALLOW or BLOCK
	BlockPublicDomains bool   `json:"blockPublicDomains"`
}

// DomainConfigName is the account settings document that holds DomainConfig.
const DomainConfigName = "emailDomainRestrictions"

// DefaultDomainConfig is the configuration of an account that never set one: off.
func DefaultDomainConfig() DomainConfig { return DomainConfig{ListType: Block} }

// ErrDomainRestricted answers a sign-up, invitation or SSO login whose email
// domain the account's restrictions refuse.
var ErrDomainRestricted = &iam.Error{Kind: iam.KindForbidden, Message: "This email domain is not allowed in this account"}

// NormalizeDomain lower-cases a domain name (a leading "@" is dropped) and
// returns a 400 naming field unless it is a valid domain with at least two labels.
func NormalizeDomain(field, s string) (string, error) {
	d := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "@")
	labels := strings.Split(d, ".")
	ok := len(d) <= 253 && len(labels) >= 2 && strings.Trim(labels[len(labels)-1], "0123456789") != ""
	for _, l := range labels {
		ok = ok && validLabel(l)
	}
	if !ok {
		return "", iam.Invalid("%s must be a domain name, such as example.com", field)
	}
	return d, nil
}

// validLabel reports whether l is a DNS label: 1 to 63 letters, digits and
// inner hyphens.
func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// EmailDomains applies accounts' email-domain restrictions.
type EmailDomains struct {
	DB  *store.DB
	Now func() time.Time
}

// Config returns the account's stored configuration, or the default.
func (d *EmailDomains) Config(ctx context.Context, tenantID string) (DomainConfig, error) {
	cfg := DefaultDomainConfig()
	if err := d.DB.FindSetting(ctx, tenantID, DomainConfigName, &cfg); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return cfg, err
	}
	return cfg, nil
}

// Allowed returns nil when an address of email's domain may join tenantID —
// by signing up into it, by invitation or through SSO — and otherwise
// ErrDomainRestricted (403), or a 400 when email has no domain. With the
// restrictions off every domain is allowed. A listed domain also covers its
// subdomains: blocking example.com blocks mail.example.com.
func (d *EmailDomains) Allowed(ctx context.Context, tenantID, email string) error {
	cfg, err := d.Config(ctx, tenantID)
	if err != nil || !cfg.Active {
		return err
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return iam.Invalid("email must be an email")
	}
	domain := strings.ToLower(strings.TrimSpace(email[at+1:]))
	if cfg.BlockPublicDomains && isPublicDomain(domain) {
		return ErrDomainRestricted
	}
	list, err := d.DB.FindDomainRestrictions(ctx, tenantID)
	if err != nil {
		return err
	}
	listed := false
	for _, r := range list {
		if r.Type == cfg.ListType && (domain == r.Domain || strings.HasSuffix(domain, "."+r.Domain)) {
			listed = true
			break
		}
	}
	if listed != (cfg.ListType == Allow) {
		return ErrDomainRestricted
	}
	return nil
}

// isPublicDomain reports whether domain belongs to a public email provider,
// where anyone can get an address.
func isPublicDomain(domain string) bool {
	switch domain {
	case "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "rocketmail.com",
		"hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com", "aol.com",
		"icloud.com", "me.com", "mac.com", "mail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "yandex.com",
		"yandex.ru", "mail.ru", "proton.me", "protonmail.com", "zoho.com", "qq.com", "163.com", "126.com",
		"fastmail.com", "tutanota.com", "hey.com":
		return true
	}
	return false
}
