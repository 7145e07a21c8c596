package subaccounts

import (
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// tenantJSON is an account as the sub-account routes answer it.
type tenantJSON struct {
	ID             string    `json:"id"`
	VendorID       string    `json:"vendorId"`
	TenantID       string    `json:"tenantId"`
	Name           string    `json:"name"`
	ParentTenantID *string   `json:"parentTenantId"`
	IsReseller     bool      `json:"isReseller"`
	Status         string    `json:"status"`
	Metadata       string    `json:"metadata"`
	Website        string    `json:"website,omitempty"`
	ApplicationURL string    `json:"applicationUrl,omitempty"`
	Logo           string    `json:"logo,omitempty"`
	LogoURL        string    `json:"logoUrl,omitempty"`
	Address        string    `json:"address,omitempty"`
	Timezone       string    `json:"timezone,omitempty"`
	Currency       string    `json:"currency,omitempty"`
	CreatorName    string    `json:"creatorName,omitempty"`
	CreatorEmail   string    `json:"creatorEmail,omitempty"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// status is how Frontegg labels an account in the hierarchy.
func status(t *iam.Tenant) string {
	if t.Locked {
		return "locked"
	}
	return "active"
}

func (h *Handler) tenant(t *iam.Tenant) tenantJSON {
	var parent *string
	if t.ParentTenantID != "" {
		parent = &t.ParentTenantID
	}
	return tenantJSON{ID: t.ID, VendorID: h.VendorID, TenantID: t.TenantID, Name: t.Name, ParentTenantID: parent,
		IsReseller: t.IsReseller, Status: status(t), Metadata: t.Metadata, Website: t.Website, ApplicationURL: t.ApplicationURL,
		Logo: t.LogoURL, LogoURL: t.LogoURL, Address: t.Address, Timezone: t.Timezone, Currency: t.Currency,
		CreatorName: t.CreatorName, CreatorEmail: t.CreatorEmail, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// nodeJSON is a sub-account or parent in a hierarchy list; level counts the
// steps from the account asked about (1: a child, or the direct parent).
type nodeJSON struct {
	TenantID   string    `json:"tenantId"`
	TenantName string    `json:"tenantName"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"createdAt"`
	Level      int       `json:"level"`
}

// treeJSON is an account with its sub-accounts.
type treeJSON struct {
	TenantID   string     `json:"tenantId"`
	TenantName string     `json:"tenantName"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"createdAt"`
	Children   []treeJSON `json:"children"`
}
