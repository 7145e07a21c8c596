package iam

import "time"

// APIToken is a machine credential of an account. Its Type says what it is:
// TokenTypeTenantAPI and TokenTypeUserAPI are client-credential pairs (ID is
// the clientId) exchanged for access JWTs of that type; TokenTypeTenantAccess
// and TokenTypeUserAccess are long-lived access tokens (ID is their JWT's sub)
// that clients send as x-api-key. Account tokens (tenant…) grant RoleIDs and
// PermissionIDs; personal tokens (user…) act as UserID with the roles that user
// holds in the account when the token is used.
type APIToken struct {
	ID              string
	Type            string
	TenantID        string
	UserID          string // personal tokens: the user they act as
	CreatedByUserID string // "" when the vendor made the token
	SecretHash      string // keyed hash of the client secret; "" for access tokens
	Description     string
	Metadata        string // JSON object text
	RoleIDs         []string
	PermissionIDs   []string
	ExpiresAt       *time.Time // nil: never
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Personal reports whether the token acts as a user rather than as the account.
func (t *APIToken) Personal() bool {
	return t.Type == TokenTypeUserAPI || t.Type == TokenTypeUserAccess
}

// Owner returns the user whose membership of the account the token lives by:
// the user of a personal token, else its creator ("" for the vendor).
func (t *APIToken) Owner() string {
	if t.Personal() {
		return t.UserID
	}
	return t.CreatedByUserID
}
