package api

import (
	"context"

	"github.com/hatchid/hatch/internal/iam"
)

// Account returns the account a self-service call acts on: the caller's
// active account — for the vendor, the one its frontegg-tenant-id header
// names. It answers 400 when there is none (a vendor call without the header).
func Account(ctx context.Context) (string, error) {
	p := PrincipalFrom(ctx)
	if p == nil || p.TenantID == "" {
		return "", iam.Invalid("frontegg-tenant-id header is required")
	}
	return p.TenantID, nil
}
