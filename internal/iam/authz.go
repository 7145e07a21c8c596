package iam

import "time"

// Permission assignment types: whether account admins may put a permission in
// the roles they create.
const (
	AssignAssignable = "ASSIGNABLE" // they may, when they hold it
	AssignNever      = "NEVER"      // they may not
	AssignAlways     = "ALWAYS"     // it is added to every account role whose creator holds it
)

// PermissionCategory groups permissions for display. Frontegg's own
// categories (FeCategory) cannot be changed.
type PermissionCategory struct {
	ID            string
	Name          string
	Description   string
	FeCategory    bool
	PermissionIDs []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Group is a set of users in one account; its roles reach every member there.
type Group struct {
	ID          string
	TenantID    string
	Name        string
	Color       string
	Description string
	Metadata    string
	ManagedBy   string // frontegg or scim2
	Roles       []*Role
	Members     []*GroupMember
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// GroupMember is a user as a group lists it.
type GroupMember struct {
	User               *User
	ActivatedForTenant bool
}

// Application access types.
const (
	FreeAccess    = "FREE_ACCESS"    // every user of an assigned account may use it
	ManagedAccess = "MANAGED_ACCESS" // only users assigned to it may
)

// Application is one of the vendor's apps that users sign in to.
type Application struct {
	ID                    string
	Name                  string
	AppURL                string
	LoginURL              string
	LogoURL               string
	AccessType            string
	IsDefault             bool
	IsActive              bool
	Type                  string
	FrontendStack         string
	Description           string
	Metadata              string // JSON object
	AppHost               string
	AllowDCR              bool
	IntegrationFinishedAt *time.Time
	// RedirectURLs and LogoutURLs are the exact redirect and post-logout
	// redirect URLs the application allows as an OAuth client, besides
	// those its AppURL and LoginURL imply.
	RedirectURLs []string
	LogoutURLs   []string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OAuthClient is a client of the hosted login's OAuth endpoints that the
// vendor registered: an application (its id is the client id) or one of
// its application clients.
type OAuthClient struct {
	ID     string // the client_id
	AppID  string // the application it signs users in to
	Active bool
	// Secret is the client secret in the clear, opened from its sealed form
	// only to be compared; "" when the client has none yet.
	Secret       string
	RedirectURIs []string // matched exactly
	LogoutURIs   []string // post-logout redirect URIs, matched exactly
}

// Sub-account access types: how an account's members reach its sub-accounts.
const (
	SubAccountDefaultOff = "defaultOff" // members need access given one by one
	SubAccountDefaultOn  = "defaultOn"  // members have access unless it is taken away
	SubAccountAlwaysOn   = "alwaysOn"   // every member has access
)
