package apitest

import (
	"net/url"
	"testing"
)

// AuditEntry is the part of an audit log entry (GET /audits) tests read.
type AuditEntry struct {
	TenantID  string         `json:"tenantId"`
	UserID    string         `json:"userId"`
	Email     string         `json:"email"`
	Action    string         `json:"action"`
	Resource  string         `json:"resource"`
	Severity  string         `json:"severity"`
	Outcome   string         `json:"outcome"`
	UserAgent string         `json:"userAgent"`
	ActorID   string         `json:"actorId"`
	ActorType string         `json:"actorType"`
	ActorMail string         `json:"actorMail"`
	JSON      map[string]any `json:"json"`
}

// Audits returns the entries with action in the audit log of tenantID, newest
// first, as the vendor reads them.
func (s *Server) Audits(t testing.TB, tenantID, action string) []AuditEntry {
	t.Helper()
	var page struct {
		Data []AuditEntry `json:"data"`
	}
	s.Vendor(t).With("frontegg-tenant-id", tenantID).Do(t, "GET", "/audits?action="+url.QueryEscape(action), nil).Want(t, 200).JSON(t, &page)
	return page.Data
}
