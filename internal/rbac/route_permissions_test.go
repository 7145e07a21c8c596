package rbac_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/app"
	"github.com/hatchid/hatch/internal/rbac"
	"github.com/hatchid/hatch/internal/store"
)

var param = regexp.MustCompile(`\{[^}]+\}`)

// TestRoutePermissionsTable: every key in the table is one of the seeded
// fe.* permissions, and no route is listed twice.
func TestRoutePermissionsTable(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		seen := map[string]bool{}
		// Deleting the caller's account ends every session in it, so that
		// route goes last.
		table := rbac.RoutePermissions()
		slices.SortStableFunc(table, func(a, b rbac.RoutePermission) int {
			last := func(r rbac.RoutePermission) int {
				if r.Route == "DELETE /tenants/resources/tenants/v1" {
					return 1
				}
				return 0
			}
			return last(a) - last(b)
		})
		for _, rp := range table {
			route := param.ReplaceAllString(rp.Route, "{}")
			if seen[route] {
				t.Errorf("%s listed twice", rp.Route)
			}
			seen[route] = true
			method, path, ok := strings.Cut(rp.Route, " ")
			if !ok || !strings.HasPrefix(path, "/") || strings.ToUpper(method) != method {
				t.Errorf("malformed route %q", rp.Route)
			}
			ps, err := s.DB.FindPermissions(context.Background(), store.PermissionFilter{Keys: []string{rp.Permission}})
			if err != nil || len(ps) != 1 || !ps[0].FePermission {
				t.Errorf("%s: %s is not a built-in permission", rp.Route, rp.Permission)
			}
		}
	})
}

// TestRoutePermissionsEnforced calls every registered route of the table as a
// user without permissions (403 Insufficient permissions) and as a user
// holding only the listed permission (never that 403). It covers whichever
// of the table's routes the server registers, in every package.
func TestRoutePermissionsEnforced(t *testing.T) {
	registered := map[string]string{}
	for _, r := range app.Routes() {
		registered[param.ReplaceAllString(r, "{}")] = r
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		tn := s.SeedTenant(t, "Acme")
		_, nobody := s.UserWith(t, tn.TenantID, "nobody@example.com")
		holders := map[string]*apitest.Client{}
		checked := 0
		// Deleting the caller's account ends every session in it, so that
		// route goes last.
		table := rbac.RoutePermissions()
		slices.SortStableFunc(table, func(a, b rbac.RoutePermission) int {
			last := func(r rbac.RoutePermission) int {
				if r.Route == "DELETE /tenants/resources/tenants/v1" {
					return 1
				}
				return 0
			}
			return last(a) - last(b)
		})
		for _, rp := range table {
			pattern, ok := registered[param.ReplaceAllString(rp.Route, "{}")]
			if !ok {
				continue
			}
			checked++
			method, path, _ := strings.Cut(pattern, " ")
			path = param.ReplaceAllStringFunc(path, func(string) string { return uuid.NewString() })
			nobody.Do(t, method, path, map[string]any{}).WantError(t, 403, "Insufficient permissions")
			holder := holders[rp.Permission]
			if holder == nil {
				_, holder = s.UserWith(t, tn.TenantID, uuid.NewString()+"@example.com", rp.Permission)
				holders[rp.Permission] = holder
			}
			res := holder.Do(t, method, path, map[string]any{})
			if res.Status == 403 && strings.Contains(string(res.Body), "Insufficient permissions") {
				t.Errorf("%s: a holder of %s was refused: %s", pattern, rp.Permission, res.Body)
			}
		}
		if checked < 40 {
			t.Errorf("only %d routes of the table are registered", checked)
		}
	})
}
