package apitest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// shapeDoc is a small OpenAPI document exercising every rule of the shape check.
const shapeDoc = `{
  "servers": [{"url": "https://api.example.test/identity"}],
  "paths": {
    "/users/{id}": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}}},
    "/users/me": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "string"}}}}}}},
    "/users": {
      "get": {"responses": {"200": {"content": {"application/json": {"schema": {
        "allOf": [{"$ref": "#/components/schemas/Page"}, {"properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}]
      }}}}}},
      "post": {"responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}}
    },
    "/users/{id}/roles": {"delete": {"responses": {"200": {"description": "no body"}}}},
    "/": {"post": {"responses": {"200": {"content": {"application/json": {"schema": {
      "oneOf": [{"type": "object", "required": ["a", "d"]}, {"type": "object", "required": ["b", "c"]}]
    }}}}}}}
  },
  "components": {"schemas": {
    "Page": {"type": "object", "required": ["_metadata"], "properties": {"_metadata": {"type": "object", "required": ["totalItems"], "properties": {"totalItems": {"type": "integer"}}}}},
    "User": {"type": "object", "required": ["id", "verified", "roles", "lastLogin"], "properties": {
      "id": {"type": "string"},
      "verified": {"type": "boolean"},
      "score": {"type": "number"},
      "managedBy": {"type": "string", "enum": ["frontegg", "scim2"]},
      "lastLogin": {"type": "string", "nullable": true},
      "metadata": {"type": "string"},
      "roles": {"type": "array", "items": {"$ref": "#/components/schemas/Role"}}
    }},
    "Role": {"required": ["key"], "properties": {"key": {"type": "string"}}}
  }}
}`

func shapeSpec(t *testing.T) *Spec {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "identity.json"), []byte(shapeDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := readSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSpecMatch(t *testing.T) {
	s := shapeSpec(t)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/identity/users/42", "/identity/users/{id}"},
		{"GET", "/identity/users/me", "/identity/users/me"},
		{"GET", "/frontegg/identity/users/me?x=1", "/identity/users/me"},
		{"GET", "/identity/users/", "/identity/users"},
		{"POST", "/identity", "/identity"},
		{"DELETE", "/identity/users/42/roles", "/identity/users/{id}/roles"},
		{"GET", "/identity/users/42/roles", ""},
		{"GET", "/identity/users//x", ""},
		{"GET", "/frontegghost/identity/users/me", ""},
	} {
		got := ""
		if op := s.Match(tc.method, tc.path); op != nil {
			got = op.Path
		}
		if got != tc.want {
			t.Errorf("Match(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestCheckResponse(t *testing.T) {
	s := shapeSpec(t)
	const user = `"id":"u","verified":true,"roles":[],"lastLogin":null`
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		want               []string
	}{
		{"fits, extra properties allowed", "GET", "/identity/users/1", 200, `{` + user + `,"extra":{"x":1},"score":1.5}`, nil},
		{"optional property may be null", "GET", "/identity/users/1", 200, `{` + user + `,"metadata":null}`, nil},
		{"integer is a number", "GET", "/identity/users/1", 200, `{` + user + `,"score":3}`, nil},
		{"required missing and wrong types", "GET", "/identity/users/1", 200, `{"id":7,"roles":[{"key":"a"},{"name":"b"}],"lastLogin":"x","metadata":{}}`,
			[]string{"id: got integer, want string", "verified: required property missing", "metadata: got object, want string", "roles[1].key: required property missing"}},
		{"required not nullable", "GET", "/identity/users/1", 200, `{"id":null,"verified":true,"roles":[null],"lastLogin":null}`,
			[]string{"id: null, want string", "roles[0]: null, want object"}},
		{"enum", "GET", "/identity/users/1", 200, `{` + user + `,"managedBy":"ldap"}`, []string{`managedBy: "ldap" is not one of ["frontegg","scim2"]`}},
		{"allOf and nested paths", "GET", "/identity/users", 200, `{"_metadata":{"totalItems":1.5},"items":[{` + user + `},{"id":"v","verified":true,"roles":[{}],"lastLogin":null}]}`,
			[]string{"_metadata.totalItems: got number, want integer", "items[1].roles[0].key: required property missing"}},
		{"body of the wrong type", "GET", "/identity/users/me", 200, `{"a":1}`, []string{"body: got object, want string"}},
		{"oneOf: one alternative fits", "POST", "/identity", 200, `{"b":1,"c":2}`, nil},
		{"oneOf: the closest alternative is reported", "POST", "/identity", 200, `{"b":1}`, []string{"c: required property missing"}},
		{"undocumented status, body checked against the success status", "POST", "/identity/users", 200, `{"id":"u"}`,
			[]string{"status 200, documented 201", "verified: required property missing", "roles: required property missing", "lastLogin: required property missing"}},
		{"204 for a documented body", "POST", "/identity/users", 204, ``, []string{"status 204, documented 201"}},
		{"empty body", "GET", "/identity/users/1", 200, ``, []string{"body: empty, want JSON"}},
		{"no documented body", "DELETE", "/identity/users/1/roles", 200, `{"anything":true}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := s.Match(tc.method, tc.path)
			if op == nil {
				t.Fatalf("no operation for %s %s", tc.method, tc.path)
			}
			var got []string
			for _, m := range op.CheckResponse(tc.status, []byte(tc.body)) {
				got = append(got, m.String())
			}
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("mismatches:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestExcused(t *testing.T) {
	s := shapeSpec(t)
	saved := shapeExceptions
	t.Cleanup(func() { shapeExceptions = saved })
	shapeExceptions = []shapeException{
		{op: "GET /identity/users", at: "items[].verified", reason: "test"},
		{op: "POST /identity/users", reason: "test"},
		{prop: "User.lastLogin", reason: "test"},
		{prop: "Role.key", when: func(obj map[string]any) bool { return obj["system"] == true }, reason: "test"},
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		want               []string // the mismatches left
	}{
		{"a path of one operation", "GET", "/identity/users", 200, `{"_metadata":{"totalItems":1},"items":[{"id":"a","roles":[],"lastLogin":null},{"id":"b","verified":"yes","roles":[],"lastLogin":null}]}`, nil},
		{"not another operation", "GET", "/identity/users/1", 200, `{"id":"a","roles":[],"lastLogin":null}`, []string{"verified: required property missing"}},
		{"a whole body, but not the status", "POST", "/identity/users", 200, `{"id":7}`, []string{"status 200, documented 201"}},
		{"a schema's property anywhere", "GET", "/identity/users", 200, `{"_metadata":{"totalItems":1},"items":[{"id":"a","verified":true,"roles":[]}]}`, nil},
		{"a property only where the object qualifies", "GET", "/identity/users/1", 200, `{"id":"a","verified":true,"roles":[{"system":true},{}]}`, []string{"roles[1].key: required property missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := s.Match(tc.method, tc.path)
			var got []string
			for _, m := range op.CheckResponse(tc.status, []byte(tc.body)) {
				if !excused(op, m) {
					got = append(got, m.String())
				}
			}
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("left:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
