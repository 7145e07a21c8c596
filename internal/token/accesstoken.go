package token

import (
	"encoding/json"
	"fmt"
	"time"
)

// AccessTokenClaims is the payload of a long-lived access token, the JWT
// clients send as x-api-key (types tenantAccessToken and userAccessToken).
// It carries no roles or permissions: @frontegg/client reads them from the
// vendor-only access-token routes, and would let claims in the token, even
// empty ones, override what it read. Without an expiry it has no exp claim.
type AccessTokenClaims struct {
	Subject         string `json:"sub"` // the access token's id
	Type            string `json:"type"`
	TenantID        string `json:"tenantId"`
	UserID          string `json:"userId,omitempty"`
	CreatedByUserID string `json:"createdByUserId,omitempty"`
	Issuer          string `json:"iss"`
	Audience        string `json:"aud"`
	IssuedAt        int64  `json:"iat"`
	Expires         int64  `json:"exp,omitempty"`
}

// SignAccessToken fills iss, aud, iat and exp (from expires; none when nil)
// and signs c. The Authenticator refuses such tokens: they are for the
// vendor's own backends, not for Hatch's routes.
func (is *Issuer) SignAccessToken(c *AccessTokenClaims, expires *time.Time) (string, error) {
	c.Issuer, c.Audience, c.IssuedAt, c.Expires = is.Issuer, is.Audience, is.Now().Unix(), 0
	if expires != nil {
		c.Expires = expires.Unix()
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	return is.Keys.sign(payload)
}
