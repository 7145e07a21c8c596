package users_test

import (
	"fmt"
	"testing"
	"time"
)

func TestListUsers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.SeedTenant(t, "A"), e.SeedTenant(t, "B")
		var inA []string
		for i := range 5 {
			e.Clock.Advance(time.Second)
			inA = append(inA, e.SeedUser(t, a.TenantID, fmt.Sprintf("a%d@example.com", i), "pw-pw-pw-pw").ID)
		}
		e.Clock.Advance(time.Second)
		hidden := e.SeedUser(t, a.TenantID, "hidden@example.com", "pw-pw-pw-pw")
		e.Vendor(t).Do(t, "PUT", usersV1+"/"+hidden.ID+"/invisible", map[string]any{"invisible": true}).Want(t, 200)
		bob := e.SeedUser(t, b.TenantID, "bob@example.com", "pw-pw-pw-pw")
		e.exec(t, `UPDATE users SET name = 'Robert Builder', external_id = 'ext-bob' WHERE id = $1`, bob.ID)

		list := func(path string) page[user] {
			t.Helper()
			var p page[user]
			e.Vendor(t).Do(t, "GET", path, nil).Want(t, 200).JSON(t, &p)
			return p
		}
		const v3 = "/identity/resources/users/v3"
		all := list(v3)
		if all.Metadata.TotalItems != 7 || len(all.Items) != 7 {
			t.Fatalf("vendor sees %d users (%d items), want 7", all.Metadata.TotalItems, len(all.Items))
		}
		// The legacy v1 list answers the same.
		if legacy := list("/identity/resources/users/v1?_limit=2&_offset=1"); legacy.Metadata.TotalItems != 7 || len(legacy.Items) != 2 {
			t.Fatalf("users v1 list: %+v", legacy.Metadata)
		}
		// _offset counts pages.
		p1 := list(v3 + "?_tenantId=" + a.TenantID + "&_limit=2&_offset=1&_sortBy=createdAt&_order=ASC")
		if p1.Metadata.TotalItems != 6 || p1.Metadata.TotalPages != 3 || len(p1.Items) != 2 || p1.Items[0].ID != inA[2] || p1.Items[1].ID != inA[3] {
			t.Fatalf("second page: %+v", p1)
		}
		last := list(v3 + "?_tenantId=" + a.TenantID + "&_limit=2&_offset=2&_sortBy=createdAt")
		if len(last.Items) != 2 || last.Items[1].ID != hidden.ID {
			t.Fatalf("last page: %+v", last.Items)
		}
		desc := list("/frontegg" + v3 + "?_tenantId=" + a.TenantID + "&_sortBy=email&_order=DESC&_limit=1")
		if desc.Items[0].Email != "hidden@example.com" {
			t.Fatalf("email DESC first %q", desc.Items[0].Email)
		}
		for path, want := range map[string]string{
			v3 + "?_email=BOB@example.com":                           bob.ID,
			v3 + "?ids=" + bob.ID + ",nope":                          bob.ID,
			v3 + "?_externalIds=ext-bob":                             bob.ID,
			v3 + "?_namePrefix=rob":                                  bob.ID,
			v3 + "?_identifier=bo&_identifierType=email":             bob.ID,
			v3 + "?_filter=builder":                                  bob.ID,
			v3 + "?_tenantId=" + b.TenantID:                          bob.ID,
			v3 + "?_limit=10&_offset=0&_filter=robert":               bob.ID,
			usersV1 + "/query/phrase?_phraseSearchContains=rob,bob":  bob.ID,
			usersV1 + "/query/phrase?_phraseSearchOptional=zzz,robe": bob.ID,
		} {
			got := list(path)
			if got.Metadata.TotalItems != 1 || got.Items[0].ID != want {
				t.Errorf("%s: %d users %+v", path, got.Metadata.TotalItems, got.Items)
			}
		}
		if got := list(usersV1 + "/query/phrase?_tenantId=" + a.TenantID + "&_phraseSearchExcludes=a1@,a2@,hidden&_phraseSearchApproximate=true"); got.Metadata.TotalItems != 3 {
			t.Errorf("phrase excludes: %d users", got.Metadata.TotalItems)
		}
		// The tenant header confines the list and shows users in that tenant.
		var scoped page[user]
		e.asTenant(t, b.TenantID).Do(t, "GET", v3, nil).Want(t, 200).JSON(t, &scoped)
		if scoped.Metadata.TotalItems != 1 || scoped.Items[0].TenantID != b.TenantID {
			t.Fatalf("scoped list %+v", scoped)
		}

		// A user with fe.secure.read.users sees its own tenant, without invisible users.
		admin, _ := e.admin(t, a.TenantID, "admin@example.com")
		var mine page[user]
		admin.Do(t, "GET", v3, nil).Want(t, 200).JSON(t, &mine)
		if mine.Metadata.TotalItems != 6 {
			t.Fatalf("admin sees %d users, want 6 (5 + itself, not the invisible one)", mine.Metadata.TotalItems)
		}
		admin.Do(t, "GET", v3+"?_tenantId="+b.TenantID, nil).WantError(t, 403, "Insufficient permissions")
		plain, _ := e.Login(t, "bob@example.com", "pw-pw-pw-pw")
		plain.Do(t, "GET", v3, nil).WantError(t, 403, "Insufficient permissions")

		for path, msg := range map[string]string{
			v3 + "?_limit=201":                                    "_limit must not be greater than 200",
			v3 + "?_offset=-1":                                    "_offset must be a non-negative integer",
			v3 + "?_sortBy=password":                              "_sortBy must be one of",
			v3 + "?_order=UP":                                     "_order must be one of",
			v3 + "?_identifier=x":                                 "must be given together",
			v3 + "?_identifier=x&_identifierType=fax":             "_identifierType must be one of",
			v3 + "?_includeSubTenants=maybe":                      "_includeSubTenants must be a boolean",
			usersV1 + "/query/phrase?_phraseSearchApproximate=2x": "_phraseSearchApproximate must be a boolean",
		} {
			e.Vendor(t).Do(t, "GET", path, nil).WantError(t, 400, msg)
		}
	})
}
