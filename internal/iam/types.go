package iam

import "time"

// Tenant is an account: a customer of the vendor, holding users.
type Tenant struct {
	ID                                                                    string // internal id (uuid)
	TenantID                                                              string // the public id clients use; equals ID unless set at creation
	Name                                                                  string
	Metadata                                                              string // JSON text, as the client sent it
	IsReseller                                                            bool
	ParentTenantID                                                        string
	Address, Timezone, DateFormat, TimeFormat, Currency, LogoURL, Website string
	ApplicationURL                                                        string
	CreatorName, CreatorEmail                                             string
	Locked                                                                bool
	CreatedAt                                                             time.Time
	UpdatedAt                                                             time.Time
	DeletedAt                                                             *time.Time
}

// User is a person who can log in. A user belongs to one or more tenants
// through memberships.
type User struct {
	ID                string
	Email             string // as entered; uniqueness is on the lower-case form
	Username          string
	Name              string
	PhoneNumber       string
	ProfilePictureURL string
	PasswordHash      string // PHC string; empty when the user has no password
	Verified          bool
	Locked            bool
	LockedUntil       *time.Time
	SuperUser         bool
	Invisible         bool
	Metadata          string // JSON text
	Provider          string // local, saml, google, …
	ExternalID        string
	ActiveTenantID    string // the tenant the user works in by default
	MFAEnrolled       bool
	TemporaryExpires  *time.Time
	PasswordChangedAt *time.Time
	LastLogin         *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// LockedAt reports whether the user is locked at now: by the vendor (Locked,
// until unlocked) or by the lockout policy (LockedUntil, until it passes).
func (u *User) LockedAt(now time.Time) bool {
	return u.Locked || (u.LockedUntil != nil && u.LockedUntil.After(now))
}

// Membership is a user's place in one tenant.
type Membership struct {
	UserID             string
	TenantID           string // Tenant.TenantID
	ActivatedForTenant bool
	Disabled           bool
	CreatedAt          time.Time
}

// Role is a named bundle of permissions, global to the environment or owned by one tenant.
type Role struct {
	ID            string
	Key           string
	Name          string
	Description   string
	TenantID      string // empty for environment-wide roles
	Level         int
	IsDefault     bool
	FirstUserRole bool
	Permissions   []string // permission ids
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Permission is a single grant, known to clients by its key (fe.secure.read.users).
type Permission struct {
	ID           string
	Key          string
	Name         string
	Description  string
	CategoryID   string
	FePermission bool
	// AssignmentType says whether account admins may put the permission in
	// their own roles: ASSIGNABLE, NEVER or ALWAYS.
	AssignmentType string
	RoleIDs        []string // roles holding it, filled by the queries that say so
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Session is one login: the family of refresh tokens that rotate from it.
type Session struct {
	ID         string
	UserID     string
	TenantID   string // active tenant of the session
	IP         string
	UserAgent  string
	AMR        []string
	ACR        string
	AuthTime   time.Time
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time // absolute end of the session
	RevokedAt  *time.Time
}
