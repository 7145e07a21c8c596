package token

import (
	"encoding/json"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// Claims is the payload of every Hatch JWT. Which fields are set depends on
// Type; the names are those Frontegg's clients read.
type Claims struct {
	Subject           string          `json:"sub"`
	Type              string          `json:"type"`
	TenantID          string          `json:"tenantId,omitempty"`
	TenantIDs         []string        `json:"tenantIds,omitempty"`
	Roles             []string        `json:"roles"`
	Permissions       []string        `json:"permissions"`
	Email             string          `json:"email,omitempty"`
	EmailVerified     *bool           `json:"email_verified,omitempty"`
	Name              string          `json:"name,omitempty"`
	ProfilePictureURL string          `json:"profilePictureUrl,omitempty"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
	SuperUser         bool            `json:"superUser,omitempty"`
	Invisible         bool            `json:"invisible,omitempty"`
	SessionID         string          `json:"sid,omitempty"`
	AMR               []string        `json:"amr,omitempty"`
	ACR               string          `json:"acr,omitempty"`
	AuthTime          int64           `json:"auth_time,omitempty"`
	ApplicationID     string          `json:"applicationId,omitempty"`
	CreatedByUserID   string          `json:"createdByUserId,omitempty"`
	UserID            string          `json:"userId,omitempty"`
	UserMetadata      json.RawMessage `json:"userMetadata,omitempty"`
	Actor             *Actor          `json:"act,omitempty"`
	KeyVersion        string          `json:"akv,omitempty"` // vendor tokens: which API key made them
	Issuer            string          `json:"iss"`
	Audience          string          `json:"aud"`
	IssuedAt          int64           `json:"iat"`
	Expires           int64           `json:"exp"`
}

// Actor names who acts for the subject (impersonation, delegation).
type Actor struct {
	Subject string `json:"sub"`
}

// Lifetime returns how long the token lives from iat.
func (c *Claims) Lifetime() time.Duration { return time.Duration(c.Expires-c.IssuedAt) * time.Second }

// principal converts verified claims into the caller they describe.
func (c *Claims) principal(raw string) *iam.Principal {
	p := &iam.Principal{
		TokenType:   c.Type,
		Subject:     c.Subject,
		TenantID:    c.TenantID,
		TenantIDs:   c.TenantIDs,
		SessionID:   c.SessionID,
		Roles:       c.Roles,
		Permissions: c.Permissions,
		Email:       c.Email,
		Token:       raw,
	}
	switch c.Type {
	case iam.TokenTypeVendor:
		p.Kind = iam.CallerVendor
	case iam.TokenTypeUser:
		p.Kind, p.UserID = iam.CallerUser, c.Subject
	case iam.TokenTypeTenantAPI:
		p.Kind, p.UserID = iam.CallerAPIToken, c.CreatedByUserID
	case iam.TokenTypeUserAPI:
		p.Kind, p.UserID = iam.CallerAPIToken, c.UserID
	}
	return p
}
