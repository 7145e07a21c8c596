package token

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
)

// Issuer signs access tokens. Issuer (iss) is the public base URL and
// Audience (aud) the environment's client ID.
type Issuer struct {
	Keys     *KeyRing
	Issuer   string
	Audience string
	Now      func() time.Time
}

// Sign fills iss, aud, iat and exp (iat + ttl) and signs c.
func (is *Issuer) Sign(c *Claims, ttl time.Duration) (string, time.Time, error) {
	now := is.Now()
	exp := now.Add(ttl)
	c.Issuer, c.Audience = is.Issuer, is.Audience
	c.IssuedAt, c.Expires = now.Unix(), exp.Unix()
	if c.Roles == nil {
		c.Roles = []string{}
	}
	if c.Permissions == nil {
		c.Permissions = []string{}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("encode claims: %w", err)
	}
	tok, err := is.Keys.sign(payload)
	return tok, exp, err
}

// UserClaims builds the claims of a user access token for session s.
func UserClaims(u *iam.User, s *iam.Session, tenantIDs, roles, permissions []string) *Claims {
	verified := u.Verified
	c := &Claims{
		Subject:           u.ID,
		Type:              iam.TokenTypeUser,
		TenantID:          s.TenantID,
		TenantIDs:         tenantIDs,
		Roles:             roles,
		Permissions:       permissions,
		Email:             u.Email,
		EmailVerified:     &verified,
		Name:              u.Name,
		ProfilePictureURL: u.ProfilePictureURL,
		SuperUser:         u.SuperUser,
		Invisible:         u.Invisible,
		SessionID:         s.ID,
		AMR:               s.AMR,
		ACR:               s.ACR,
		AuthTime:          s.AuthTime.Unix(),
	}
	if u.Metadata != "" && json.Valid([]byte(u.Metadata)) {
		c.Metadata = json.RawMessage(u.Metadata)
	}
	return c
}

// VendorTokenTTL is how long an environment token lives.
const VendorTokenTTL = 24 * time.Hour

// VendorKeyVersion identifies an API key inside vendor tokens, so replacing
// the key ends every token made with the old one.
func VendorKeyVersion(apiKeyHash string) string { return apiKeyHash[:16] }

// SignVendor issues an environment token for clientID.
func (is *Issuer) SignVendor(clientID, apiKeyHash string) (string, time.Time, error) {
	return is.Sign(&Claims{Subject: clientID, Type: iam.TokenTypeVendor, KeyVersion: VendorKeyVersion(apiKeyHash)}, VendorTokenTTL)
}

// NewRefreshToken returns a fresh opaque refresh token (256 bits) and the hash to store.
func NewRefreshToken() (token, hash string) {
	token = secure.RandomToken(32)
	return token, secure.HashToken(token)
}
