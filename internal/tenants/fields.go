package tenants

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// tenantJSON is Frontegg's Tenant object, as every account route returns it.
type tenantJSON struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"tenantId"`
	VendorID       string     `json:"vendorId"`
	Name           string     `json:"name"`
	Metadata       string     `json:"metadata"` // a JSON object, as a string
	IsReseller     bool       `json:"isReseller"`
	ParentTenantID string     `json:"parentTenantId,omitempty"`
	Address        string     `json:"address"`
	Timezone       string     `json:"timezone"`
	DateFormat     string     `json:"dateFormat"`
	TimeFormat     string     `json:"timeFormat"`
	Currency       string     `json:"currency"`
	Logo           string     `json:"logo"`
	LogoURL        string     `json:"logoUrl"`
	Website        string     `json:"website"`
	ApplicationURL string     `json:"applicationUrl"`
	CreatorName    string     `json:"creatorName"`
	CreatorEmail   string     `json:"creatorEmail"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	DeletedAt      *time.Time `json:"deletedAt"` // always null: deleted accounts are gone
}

func (h *Handler) tenantJSON(t *iam.Tenant) tenantJSON {
	return tenantJSON{
		ID: t.ID, TenantID: t.TenantID, VendorID: h.ClientID, Name: t.Name, Metadata: t.Metadata,
		IsReseller: t.IsReseller, ParentTenantID: t.ParentTenantID, Address: t.Address, Timezone: t.Timezone,
		DateFormat: t.DateFormat, TimeFormat: t.TimeFormat, Currency: t.Currency, Logo: t.LogoURL, LogoURL: t.LogoURL,
		Website: t.Website, ApplicationURL: t.ApplicationURL, CreatorName: t.CreatorName, CreatorEmail: t.CreatorEmail,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

// settingsFields are what the account-settings routes may change; nil means
// "not sent". `logo` is stored as the account's logo URL.
type settingsFields struct {
	Name           *string `json:"name"`
	ApplicationURL *string `json:"applicationUrl"`
	Logo           *string `json:"logo"`
	Address        *string `json:"address"`
	Timezone       *string `json:"timezone"`
	DateFormat     *string `json:"dateFormat"`
	TimeFormat     *string `json:"timeFormat"`
	Currency       *string `json:"currency"`
}

// apply validates the sent fields and sets them on t. It reports whether any
// field was sent, and returns a 400 naming the first bad field.
func (f *settingsFields) apply(t *iam.Tenant) (bool, error) {
	if f.Name != nil {
		name := strings.TrimSpace(*f.Name)
		if name == "" {
			return false, iam.Invalid("name must not be empty")
		}
		t.Name = name
	}
	if f.ApplicationURL != nil {
		if *f.ApplicationURL != "" && !isWebURL(*f.ApplicationURL) {
			return false, iam.Invalid("applicationUrl must be an http or https URL")
		}
		t.ApplicationURL = *f.ApplicationURL
	}
	sent := f.Name != nil || f.ApplicationURL != nil
	for _, s := range []struct {
		src *string
		dst *string
	}{
		{f.Logo, &t.LogoURL}, {f.Address, &t.Address}, {f.Timezone, &t.Timezone},
		{f.DateFormat, &t.DateFormat}, {f.TimeFormat, &t.TimeFormat}, {f.Currency, &t.Currency},
	} {
		if s.src != nil {
			*s.dst, sent = *s.src, true
		}
	}
	return sent, nil
}

// tenantFields are what creating or updating an account may set; nil means
// "not sent". Metadata is a JSON object or a string holding one.
type tenantFields struct {
	settingsFields
	LogoURL      *string         `json:"logoUrl"`
	Website      *string         `json:"website"`
	CreatorName  *string         `json:"creatorName"`
	CreatorEmail *string         `json:"creatorEmail"`
	IsReseller   *bool           `json:"isReseller"`
	Metadata     json.RawMessage `json:"metadata"`
}

// apply validates the sent fields and sets them on t (metadata replaces the
// account's metadata). It reports whether any field was sent, and returns a
// 400 naming the first bad field.
func (f *tenantFields) apply(t *iam.Tenant) (bool, error) {
	sent, err := f.settingsFields.apply(t)
	if err != nil {
		return false, err
	}
	if f.CreatorEmail != nil {
		if *f.CreatorEmail != "" {
			if _, err := mail.ParseAddress(*f.CreatorEmail); err != nil {
				return false, iam.Invalid("creatorEmail must be an email")
			}
		}
		t.CreatorEmail, sent = *f.CreatorEmail, true
	}
	if f.Metadata != nil {
		m, err := parseMetadata(f.Metadata)
		if err != nil {
			return false, err
		}
		if t.Metadata, err = encodeMetadata(m); err != nil {
			return false, err
		}
		sent = true
	}
	for _, s := range []struct {
		src *string
		dst *string
	}{{f.LogoURL, &t.LogoURL}, {f.Website, &t.Website}, {f.CreatorName, &t.CreatorName}} {
		if s.src != nil {
			*s.dst, sent = *s.src, true
		}
	}
	if f.IsReseller != nil {
		t.IsReseller, sent = *f.IsReseller, true
	}
	return sent, nil
}

// isWebURL reports whether s is an absolute http or https URL.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
