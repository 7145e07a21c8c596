package token

import (
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// Authenticator turns a request's credentials into a Principal. It implements
// api.Authenticator.
type Authenticator struct {
	Keys        *KeyRing
	Revocations *Revocations
	Now         func() time.Time
	// ClientID and KeyVersion are the environment's: tokens for another
	// environment, or made with a replaced API key, are refused.
	ClientID   string
	KeyVersion string

	verified verifiedClaims
}

// Authenticate reads Authorization (Bearer or bare, as some rest-api calls
// send it) or x-access-token. See api.Authenticator for the contract.
func (a *Authenticator) Authenticate(r *http.Request) (*iam.Principal, error) {
	raw := r.Header.Get("Authorization")
	if raw == "" {
		raw = r.Header.Get("x-access-token")
	}
	raw = strings.TrimSpace(raw)
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return nil, nil
	}
	c, err := a.Verify(raw)
	if err != nil {
		return nil, err
	}
	p := c.principal(raw)
	if p.Kind == iam.CallerVendor {
		p.TenantID = r.Header.Get("frontegg-tenant-id")
		p.UserID = r.Header.Get("frontegg-user-id")
	}
	return p, nil
}

// Verify checks a JWT's signature, expiry, audience, type and revocation and
// returns its claims, the caller's own copy. Every failure is the same 401.
func (a *Authenticator) Verify(raw string) (*Claims, error) {
	shared, err := a.verified.claims(a.Keys, raw)
	if err != nil {
		return nil, unauthorized()
	}
	c := *shared
	clientID, keyVersion := a.ClientID, a.KeyVersion
	now := a.Now().Unix()
	switch {
	case c.Expires <= now, c.IssuedAt > now+60, c.Audience != clientID, c.Subject == "":
		return nil, unauthorized()
	}
	switch c.Type {
	case iam.TokenTypeVendor:
		if c.KeyVersion != keyVersion {
			return nil, unauthorized()
		}
	case iam.TokenTypeUser:
		if c.SessionID == "" || a.Revocations.Revoked(c.SessionID) || c.TenantID == "" {
			return nil, unauthorized()
		}
	case iam.TokenTypeTenantAPI, iam.TokenTypeUserAPI:
		// sub is the API token's id and sid its refresh family: deleting the
		// token, or reusing a spent refresh token of the family, ends them.
		if c.TenantID == "" || a.Revocations.APITokenRevoked(c.Subject, c.SessionID, c.IssuedAt) {
			return nil, unauthorized()
		}
	default:
		return nil, unauthorized()
	}
	return &c, nil
}

func unauthorized() error { return iam.Unauthorized("Unauthorized") }
