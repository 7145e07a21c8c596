package settings_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

const (
	jwtTemplates = "/identity/resources/jwt-templates/v1"
	targeting    = configurations + "/jwt-template-targeting"
)

func claims(extra map[string]any) map[string]any {
	c := map[string]any{"iss": "{{issuer}}", "sub": "{{userId}}", "aud": "{{clientId}}", "exp": "{{exp}}", "iat": "{{iat}}"}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

func template(key string) map[string]any {
	return map[string]any{"key": key, "name": "Template " + key, "expiration": 300, "algorithm": "RS256",
		"templateSchema": map[string]any{"claims": claims(map[string]any{"plan": map[string]any{"tier": "gold"}})}}
}

func TestJWTTemplates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		a := v.Do(t, "POST", jwtTemplates, template("alpha")).Want(t, 201).Map(t)
		if a["id"] == "" || a["vendorId"] != s.ClientID || a["key"] != "alpha" || a["expiration"] != 300.0 || a["createdAt"] == nil {
			t.Fatalf("created %v", a)
		}
		plan := a["templateSchema"].(map[string]any)["claims"].(map[string]any)["plan"].(map[string]any)
		if plan["tier"] != "gold" {
			t.Fatalf("claims %v", a["templateSchema"])
		}
		s.Clock.Advance(1e9)
		b := v.Do(t, "POST", jwtTemplates, template("bravo")).Want(t, 201).Map(t)
		v.Do(t, "POST", jwtTemplates, template("alpha")).WantError(t, 409, "key alpha already exists")

		id := a["id"].(string)
		got := v.Do(t, "GET", jwtTemplates+"/"+id, nil).Want(t, 200).Map(t)
		if got["key"] != "alpha" || got["name"] != "Template alpha" {
			t.Fatalf("get %v", got)
		}
		upd := v.Do(t, "PUT", jwtTemplates+"/"+id, map[string]any{"description": "the first", "expiration": 60}).Want(t, 200).Map(t)
		if upd["name"] != "Template alpha" || upd["description"] != "the first" || upd["expiration"] != 60.0 || upd["key"] != "alpha" {
			t.Fatalf("partial update %v", upd)
		}
		v.Do(t, "PUT", jwtTemplates+"/"+id, map[string]any{"key": "bravo"}).WantError(t, 409, "key bravo already exists")
		v.Do(t, "PUT", jwtTemplates+"/missing", map[string]any{"name": "x"}).WantError(t, 404, "JWT template not found")
		v.Do(t, "GET", jwtTemplates+"/missing", nil).WantError(t, 404, "JWT template not found")

		type page struct {
			Items []struct {
				Key string `json:"key"`
			} `json:"items"`
			Metadata struct {
				TotalItems int `json:"totalItems"`
			} `json:"_metadata"`
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{"alpha", "bravo"}},
			{"?_sortBy=key&_order=DESC", []string{"bravo", "alpha"}},
			{"?keys=bravo", []string{"bravo"}},
			{"?ids=" + b["id"].(string) + "," + id + "&_limit=1&_offset=1", []string{"bravo"}},
		} {
			var p page
			v.Do(t, "GET", jwtTemplates+c.query, nil).Want(t, 200).JSON(t, &p)
			var keys []string
			for _, it := range p.Items {
				keys = append(keys, it.Key)
			}
			if len(keys) != len(c.want) || keys[0] != c.want[0] {
				t.Fatalf("list %q: %v, want %v", c.query, keys, c.want)
			}
		}
		v.Do(t, "GET", jwtTemplates+"?_sortBy=expiration", nil).WantError(t, 400, "_sortBy must be one of")

		v.Do(t, "DELETE", jwtTemplates+"/"+id, nil).Want(t, 204)
		v.Do(t, "DELETE", jwtTemplates+"/"+id, nil).WantError(t, 404, "JWT template not found")
		v.Do(t, "GET", jwtTemplates+"/"+id, nil).WantError(t, 404, "JWT template not found")
	})
}

func TestJWTTemplateValidation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		with := func(field string, value any) map[string]any {
			tpl := template("k")
			tpl[field] = value
			return tpl
		}
		without := func(field string) map[string]any {
			tpl := template("k")
			delete(tpl, field)
			return tpl
		}
		schema := func(c map[string]any) map[string]any { return map[string]any{"claims": c} }
		noIss := claims(nil)
		delete(noIss, "iss")
		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{without("key"), "key is required"},
			{without("name"), "name is required"},
			{without("expiration"), "expiration is required"},
			{without("algorithm"), "algorithm is required"},
			{without("templateSchema"), "templateSchema is required"},
			{with("key", " "), "key must not be empty"},
			{with("expiration", 0), "expiration must be a positive number"},
			{with("expiration", "soon"), "expiration must be of type number"},
			{with("algorithm", "HS256"), "algorithm must be RS256"},
			{with("templateSchema", map[string]any{}), "templateSchema.claims must be an object"},
			{with("templateSchema", schema(noIss)), "templateSchema.claims must include iss, sub, aud, exp, iat"},
			{with("templateSchema", schema(claims(map[string]any{"aud": "someone"}))), "templateSchema.claims.aud must be"},
			{with("templateSchema", schema(claims(map[string]any{"type": "userToken"}))), "must not set type"},
		} {
			v.Do(t, "POST", jwtTemplates, c.body).WantError(t, 400, c.want)
		}
		id := v.Do(t, "POST", jwtTemplates, template("k")).Want(t, 201).Map(t)["id"].(string)
		v.Do(t, "PUT", jwtTemplates+"/"+id, map[string]any{"algorithm": "HS256"}).WantError(t, 400, "algorithm must be RS256")
		v.Do(t, "PUT", jwtTemplates+"/"+id, map[string]any{"templateSchema": schema(noIss)}).WantError(t, 400, "must include iss")
	})
}

func TestJWTTemplateTargeting(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "GET", targeting, nil).WantError(t, 404, "JWT template targeting not found")

		rule := func(treatment string) map[string]any {
			return map[string]any{"conditionLogic": "and", "treatment": treatment, "conditions": []map[string]any{
				{"attribute": "tenantId", "op": "in_list", "value": map[string]any{"list": []string{"t1"}}, "negate": false}}}
		}
		created := v.Do(t, "POST", targeting, map[string]any{"rules": []any{rule("alpha")}}).Want(t, 201).Map(t)
		id, _ := created["id"].(string)
		rules := created["targeting"].(map[string]any)["rules"].([]any)
		if id == "" || len(rules) != 1 || rules[0].(map[string]any)["treatment"] != "alpha" {
			t.Fatalf("created %v", created)
		}
		v.Do(t, "POST", targeting, map[string]any{"rules": []any{}}).WantError(t, 409, "already exists")

		got := v.Do(t, "GET", "/frontegg"+targeting, nil).Want(t, 200).Map(t)
		if got["id"] != id {
			t.Fatalf("get %v", got)
		}
		put := v.Do(t, "PUT", targeting, map[string]any{"rules": []any{rule("bravo"), rule("alpha")}}).Want(t, 200).Map(t)
		if put["id"] != id || len(put["targeting"].(map[string]any)["rules"].([]any)) != 2 || put["createdAt"] != created["createdAt"] {
			t.Fatalf("put %v", put)
		}
		// PATCH without rules keeps them; with rules replaces them.
		patched := v.Do(t, "PATCH", targeting+"/"+id, map[string]any{}).Want(t, 200).Map(t)
		if len(patched["targeting"].(map[string]any)["rules"].([]any)) != 2 {
			t.Fatalf("empty patch %v", patched)
		}
		patched = v.Do(t, "PATCH", targeting+"/"+id, map[string]any{"rules": []any{rule("charlie")}}).Want(t, 200).Map(t)
		if r := patched["targeting"].(map[string]any)["rules"].([]any); len(r) != 1 || r[0].(map[string]any)["treatment"] != "charlie" {
			t.Fatalf("patch %v", patched)
		}
		v.Do(t, "PATCH", targeting+"/other", map[string]any{"rules": []any{}}).WantError(t, 404, "JWT template targeting not found")
		v.Do(t, "DELETE", targeting+"/other", nil).WantError(t, 404, "JWT template targeting not found")

		bad := func(change func(c map[string]any)) map[string]any {
			r := rule("x")
			change(r["conditions"].([]map[string]any)[0])
			return map[string]any{"rules": []any{r}}
		}
		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"rules": []any{map[string]any{"conditionLogic": "or", "treatment": "x"}}}, "rules[0].conditionLogic must be and"},
			{map[string]any{"rules": []any{map[string]any{"conditionLogic": "and"}}}, "rules[0].treatment is required"},
			{map[string]any{"rules": []any{map[string]any{"conditionLogic": "and", "treatment": "x"}}}, "rules[0].conditions must not be empty"},
			{bad(func(c map[string]any) { c["attribute"] = "shoeSize" }), "rules[0].conditions[0].attribute must be one of"},
			{bad(func(c map[string]any) { c["op"] = "equals" }), "rules[0].conditions[0].op must be one of"},
			{bad(func(c map[string]any) { c["value"] = "t1" }), "rules[0].conditions[0].value must be an object"},
			{bad(func(c map[string]any) { delete(c, "negate") }), "rules[0].conditions[0].negate is required"},
			{map[string]any{"rules": "all"}, "rules must be of type array"},
		} {
			v.Do(t, "PUT", targeting, c.body).WantError(t, 400, c.want)
		}

		v.Do(t, "DELETE", targeting+"/"+id, nil).Want(t, 200)
		v.Do(t, "GET", targeting, nil).WantError(t, 404, "JWT template targeting not found")
		v.Do(t, "PATCH", targeting+"/"+id, map[string]any{}).WantError(t, 404, "JWT template targeting not found")
		// PUT creates when there is none.
		v.Do(t, "PUT", targeting, map[string]any{"rules": []any{}}).Want(t, 200)
		v.Do(t, "GET", targeting, nil).Want(t, 200)
	})
}

func TestConcurrentTemplateCreatesAreAllKept(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v.Do(t, "POST", jwtTemplates, template(fmt.Sprintf("key-%d", i))).Want(t, 201)
			}()
		}
		wg.Wait()
		var p struct {
			Metadata struct {
				TotalItems int `json:"totalItems"`
			} `json:"_metadata"`
		}
		v.Do(t, "GET", jwtTemplates, nil).Want(t, 200).JSON(t, &p)
		if p.Metadata.TotalItems != n {
			t.Fatalf("%d templates after %d concurrent creates", p.Metadata.TotalItems, n)
		}
	})
}
