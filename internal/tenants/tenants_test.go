package tenants_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	tenantsV1 = "/tenants/resources/tenants/v1"
	tenantsV2 = "/tenants/resources/tenants/v2"
)

type tenant struct {
	ID             string  `json:"id"`
	TenantID       string  `json:"tenantId"`
	VendorID       string  `json:"vendorId"`
	Name           string  `json:"name"`
	Metadata       string  `json:"metadata"`
	Website        string  `json:"website"`
	ApplicationURL string  `json:"applicationUrl"`
	Timezone       string  `json:"timezone"`
	CreatorEmail   string  `json:"creatorEmail"`
	IsReseller     bool    `json:"isReseller"`
	CreatedAt      string  `json:"createdAt"`
	DeletedAt      *string `json:"deletedAt"`
}

func TestCreateAndReadAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		var got tenant
		v.Do(t, "POST", tenantsV1, map[string]any{
			"tenantId": "acme", "name": "Acme", "metadata": map[string]any{"plan": "pro", "seats": 5},
			"website": "acme.example", "applicationUrl": "https://app.acme.example", "creatorEmail": "ada@acme.example",
			"isReseller": true, "status": "active",
		}).Want(t, 200).JSON(t, &got)
		if got.TenantID != "acme" || got.Name != "Acme" || got.VendorID != s.ClientID || got.ID == "" || got.DeletedAt != nil ||
			got.Metadata != `{"plan":"pro","seats":5}` || got.Website != "acme.example" || !got.IsReseller || got.CreatedAt == "" {
			t.Fatalf("created %+v", got)
		}

		// The tenantId is generated when absent; metadata may come as a JSON string.
		var gen tenant
		v.Do(t, "POST", tenantsV1, map[string]any{"name": "Generated", "metadata": `{"a": 1}`}).Want(t, 200).JSON(t, &gen)
		if _, err := uuid.Parse(gen.TenantID); err != nil || gen.Metadata != `{"a":1}` {
			t.Fatalf("generated %+v", gen)
		}

		v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": "acme", "name": "Again"}).WantError(t, 409, "acme already exists")
		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"tenantId": "x"}, "name is required"},
			{map[string]any{"name": " "}, "name is required"},
			{map[string]any{"name": 5}, "name must be of type string"},
			{map[string]any{"tenantId": "a/b", "name": "X"}, "tenantId must be"},
			{map[string]any{"name": "X", "metadata": 5}, "metadata must be a JSON object"},
			{map[string]any{"name": "X", "metadata": "[1]"}, "metadata must be a JSON object"},
			{map[string]any{"name": "X", "applicationUrl": "javascript:alert(1)"}, "applicationUrl must be an http or https URL"},
			{map[string]any{"name": "X", "creatorEmail": "nope"}, "creatorEmail must be an email"},
			{map[string]any{"name": "X", "parentTenantId": "missing"}, "parentTenantId must be"},
		} {
			v.Do(t, "POST", tenantsV1, c.body).WantError(t, 400, c.want)
		}

		var list []tenant
		v.Do(t, "GET", tenantsV1+"/acme", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].TenantID != "acme" || list[0].Metadata != got.Metadata {
			t.Fatalf("v1 get %+v", list)
		}
		v.Do(t, "GET", tenantsV1+"/missing", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("v1 get of an unknown account: %+v, want []", list)
		}
		var one tenant
		v.Do(t, "GET", tenantsV2+"/acme", nil).Want(t, 200).JSON(t, &one)
		if one != got {
			t.Fatalf("v2 get %+v, want %+v", one, got)
		}
		v.Do(t, "GET", tenantsV2+"/missing", nil).WantError(t, 404, "Account not found")

		// A child account names an existing parent.
		var child map[string]any
		v.Do(t, "POST", tenantsV1, map[string]any{"name": "Child", "parentTenantId": "acme"}).Want(t, 200).JSON(t, &child)
		if child["parentTenantId"] != "acme" {
			t.Fatalf("child %v", child)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": "acme", "name": "Acme", "website": "acme.example", "metadata": map[string]any{"k": "v"}}).Want(t, 200)

		var got tenant
		v.Do(t, "PUT", tenantsV1+"/acme", map[string]any{"name": "Acme Inc"}).Want(t, 200).JSON(t, &got)
		if got.Name != "Acme Inc" || got.Website != "acme.example" || got.Metadata != `{"k":"v"}` {
			t.Fatalf("v1 update %+v", got)
		}
		v.Do(t, "PUT", tenantsV2+"/acme", map[string]any{"timezone": "Europe/Paris", "metadata": `{"n":2}`}).Want(t, 200).JSON(t, &got)
		if got.Name != "Acme Inc" || got.Timezone != "Europe/Paris" || got.Metadata != `{"n":2}` {
			t.Fatalf("v2 update %+v", got)
		}

		v.Do(t, "PUT", tenantsV2+"/acme", map[string]any{}).WantError(t, 400, "at least one account property")
		v.Do(t, "PUT", tenantsV1+"/acme", map[string]any{"name": "Bad", "applicationUrl": "ftp://x"}).WantError(t, 400, "applicationUrl")
		v.Do(t, "PUT", tenantsV1+"/acme", map[string]any{"isReseller": "yes"}).WantError(t, 400, "isReseller must be of type boolean")
		v.Do(t, "PUT", tenantsV1+"/missing", map[string]any{"name": "X"}).WantError(t, 404, "Account not found")
		v.Do(t, "PUT", tenantsV2+"/missing", map[string]any{"name": "X"}).WantError(t, 404, "Account not found")

		// A refused update changes nothing.
		v.Do(t, "GET", tenantsV2+"/acme", nil).Want(t, 200).JSON(t, &got)
		if got.Name != "Acme Inc" {
			t.Fatalf("a refused update changed the name to %q", got.Name)
		}
	})
}

func TestAccountMetadata(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": "acme", "name": "Acme", "metadata": map[string]any{"a": 1, "b": "two"}}).Want(t, 200)

		var got tenant
		v.Do(t, "POST", tenantsV1+"/acme/metadata", map[string]any{"metadata": map[string]any{"b": "deux", "c": []int{3}}}).Want(t, 200).JSON(t, &got)
		if got.Metadata != `{"a":1,"b":"deux","c":[3]}` {
			t.Fatalf("merged metadata %s", got.Metadata)
		}
		v.Do(t, "POST", tenantsV1+"/acme/metadata", map[string]any{"metadata": `{"d": true}`}).Want(t, 200).JSON(t, &got)
		v.Do(t, "DELETE", tenantsV1+"/acme/metadata/a", nil).Want(t, 200).JSON(t, &got)
		v.Do(t, "DELETE", tenantsV1+"/acme/metadata/absent", nil).Want(t, 200).JSON(t, &got)
		var m map[string]any
		if err := json.Unmarshal([]byte(got.Metadata), &m); err != nil || len(m) != 3 || m["d"] != true || m["a"] != nil {
			t.Fatalf("metadata after delete %s", got.Metadata)
		}

		v.Do(t, "POST", tenantsV1+"/acme/metadata", map[string]any{}).WantError(t, 400, "metadata is required")
		v.Do(t, "POST", tenantsV1+"/acme/metadata", map[string]any{"metadata": "not json"}).WantError(t, 400, "metadata must be a JSON object")
		v.Do(t, "POST", tenantsV1+"/missing/metadata", map[string]any{"metadata": map[string]any{"a": 1}}).WantError(t, 404, "Account not found")
		v.Do(t, "DELETE", tenantsV1+"/missing/metadata/a", nil).WantError(t, 404, "Account not found")
	})
}

func TestListAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		for _, name := range []string{"Bravo", "Alpha", "Charlie"} {
			v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": "id-" + name, "name": name}).Want(t, 200)
			s.Clock.Advance(time.Second)
		}
		type page struct {
			Items    []tenant `json:"items"`
			Metadata struct {
				TotalItems int `json:"totalItems"`
				TotalPages int `json:"totalPages"`
			} `json:"_metadata"`
		}
		names := func(p page) (out []string) {
			for _, it := range p.Items {
				out = append(out, it.Name)
			}
			return out
		}
		for _, c := range []struct {
			query string
			want  []string
			total int
		}{
			{"", []string{"Bravo", "Alpha", "Charlie"}, 3},
			{"?_sortBy=name&_order=DESC", []string{"Charlie", "Bravo", "Alpha"}, 3},
			{"?_sortBy=name&_limit=2&_offset=1", []string{"Bravo", "Charlie"}, 3},
			{"?_filter=alp", []string{"Alpha"}, 1},
			{"?_tenantIds=id-Charlie,id-Alpha&_sortBy=tenantId", []string{"Alpha", "Charlie"}, 2},
			{"?_tenantIds=id-Bravo&_tenantIds=id-Alpha&_sortBy=name", []string{"Alpha", "Bravo"}, 2},
		} {
			var p page
			v.Do(t, "GET", tenantsV2+c.query, nil).Want(t, 200).JSON(t, &p)
			if got := names(p); len(got) != len(c.want) || p.Metadata.TotalItems != c.total {
				t.Fatalf("%s: %v (total %d), want %v (total %d)", c.query, got, p.Metadata.TotalItems, c.want, c.total)
			} else {
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("%s: %v, want %v", c.query, got, c.want)
					}
				}
			}
			if p.Items[0].VendorID != s.ClientID {
				t.Fatalf("%s: vendorId %q", c.query, p.Items[0].VendorID)
			}
		}
		v.Do(t, "GET", tenantsV2+"?_sortBy=website", nil).WantError(t, 400, "_sortBy must be one of createdAt, name, tenantId")

		// The legacy list is every account as an array, oldest first.
		var legacy []tenant
		v.Do(t, "GET", tenantsV1, nil).Want(t, 200).JSON(t, &legacy)
		if len(legacy) != 3 || legacy[0].Name != "Bravo" || legacy[2].Name != "Charlie" {
			t.Fatalf("legacy list: %+v", legacy)
		}
		v.Do(t, "GET", tenantsV2+"?_limit=201", nil).WantError(t, 400, "_limit must not be greater than 200")
		v.Do(t, "GET", tenantsV2+"?_order=UP", nil).WantError(t, 400, "_order")
	})
}

func TestDeleteAccountEndsItsSessionsAtOnce(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		user.Do(t, "GET", accountSettings, nil).Want(t, 200)

		v := s.Vendor(t)
		v.Do(t, "DELETE", tenantsV1+"/"+tn.TenantID, nil).Want(t, 200)
		user.Do(t, "GET", accountSettings, nil).Want(t, 401)
		v.Do(t, "GET", tenantsV2+"/"+tn.TenantID, nil).WantError(t, 404, "Account not found")
		v.Do(t, "DELETE", tenantsV1+"/"+tn.TenantID, nil).WantError(t, 404, "Account not found")

		// Its id is free again.
		v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": tn.TenantID, "name": "Reborn"}).Want(t, 200)
	})
}

func TestDeleteCurrentAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		// Without fe.account-settings.delete.account a user may not.
		user.Do(t, "DELETE", tenantsV1, nil).WantError(t, 403, "Insufficient permissions")

		v := s.Vendor(t)
		v.Do(t, "DELETE", tenantsV1, nil).WantError(t, 400, "frontegg-tenant-id header is required")
		v.With("frontegg-tenant-id", "missing").Do(t, "DELETE", tenantsV1, nil).WantError(t, 404, "Account not found")
		v.With("frontegg-tenant-id", tn.TenantID).Do(t, "DELETE", tenantsV1, nil).Want(t, 200)
		user.Do(t, "GET", accountSettings, nil).Want(t, 401)
		s.Anon().Do(t, "DELETE", tenantsV1, nil).Want(t, 401)
	})
}

func TestAccountRoutesNeedTheVendorToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		s.SeedUser(t, tn.TenantID, "ada@example.com", "pw-pw-pw-pw")
		user, _ := s.Login(t, "ada@example.com", "pw-pw-pw-pw")
		id := tn.TenantID
		for _, r := range []struct{ method, path string }{
			{"POST", tenantsV1},
			{"GET", tenantsV1 + "/" + id},
			{"PUT", tenantsV1 + "/" + id},
			{"DELETE", tenantsV1 + "/" + id},
			{"POST", tenantsV1 + "/" + id + "/metadata"},
			{"DELETE", tenantsV1 + "/" + id + "/metadata/k"},
			{"GET", tenantsV2},
			{"GET", tenantsV2 + "/" + id},
			{"PUT", tenantsV2 + "/" + id},
		} {
			s.Anon().Do(t, r.method, r.path, map[string]any{"name": "x"}).WantError(t, 401, "Unauthorized")
			user.Do(t, r.method, r.path, map[string]any{"name": "x"}).WantError(t, 403, "does not accept this kind of token")
		}
		// The /frontegg prefix serves the same routes.
		s.Vendor(t).Do(t, "GET", "/frontegg"+tenantsV2+"/"+id, nil).Want(t, 200)
	})
}

func TestConcurrentMetadataAddsAreAllKept(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "POST", tenantsV1, map[string]any{"tenantId": "acme", "name": "Acme"}).Want(t, 200)
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v.Do(t, "POST", tenantsV1+"/acme/metadata", map[string]any{"metadata": map[string]any{fmt.Sprint("k", i): i}}).Want(t, 200)
			}()
		}
		wg.Wait()
		var got tenant
		v.Do(t, "GET", tenantsV2+"/acme", nil).Want(t, 200).JSON(t, &got)
		var m map[string]any
		if err := json.Unmarshal([]byte(got.Metadata), &m); err != nil || len(m) != n {
			t.Fatalf("metadata after %d concurrent adds: %s", n, got.Metadata)
		}
	})
}
