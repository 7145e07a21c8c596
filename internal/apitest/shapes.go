package apitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Every 2xx answer an apitest Client receives is checked against the response
// schema Frontegg's OpenAPI documents give for the operation and status, so
// the whole suite doubles as a contract test of the JSON shapes. The rules:
//
//   - the operation is the documented one whose path template matches the
//     request path (query string and /frontegg prefix ignored; a literal
//     segment beats a {param});
//   - a 2xx status the operation does not document is a mismatch, and the
//     body is then checked against the schema of the documented success status;
//   - $ref (into components) is followed; allOf means every member applies,
//     oneOf and anyOf mean at least one alternative applies;
//   - type (string, number, integer, boolean, object, array; a schema with
//     properties is an object, one with items an array) and enum are checked;
//   - required properties must be present, and may be null only where the
//     schema is nullable; optional properties may be null or absent;
//   - array items and nested objects are checked recursively;
//   - properties the schema does not name are allowed (Hatch may send more)
//     and formats are not checked.
//
// Each mismatch names its JSON path, e.g.
// "items[0].roles[1].key: required property missing". Where Hatch deliberately
// departs from the documents, shapeExceptions says so and why.

// Mismatch is one way a response differs from its documented shape.
type Mismatch struct {
	Path string // JSON path in the body ("" for the body itself), or statusPath
	Msg  string
	site site
}

// site is where a mismatch lies: a property of an object whose schema is
// a named component ("" when it is not a property of one).
type site struct {
	schema, prop string
	obj          map[string]any
}

// statusPath marks a mismatch of the status code rather than of the body.
const statusPath = "(status)"

func (m Mismatch) String() string {
	switch m.Path {
	case "":
		return "body: " + m.Msg
	case statusPath:
		return m.Msg
	}
	return m.Path + ": " + m.Msg
}

// shapeException is a documented shape Hatch does not follow on purpose:
// either part of one operation's answer (op, at), or a property of a
// component schema wherever it appears (prop), optionally only in objects
// where when holds.
type shapeException struct {
	op     string // "METHOD /documented/path"
	at     string // with op: JSON path ([] for any index) and below it, "" for the whole body, statusPath for the status
	prop   string // "Schema.property"
	when   func(obj map[string]any) bool
	reason string
}

// shapeExceptions lists every deliberate departure from the documented
// response shapes, each with its reason.
var shapeExceptions = []shapeException{
	{prop: "UserV3Dto.lastLogin", reason: noLastLogin},
	{prop: "UserDto.lastLogin", reason: noLastLogin},
	{prop: "CoreUserDto.lastLogin", reason: noLastLogin},
	{prop: "GetUserSourceUsersResponseDTO.lastLogin", reason: noLastLogin},
	{prop: "AuthenticationResponseDto.accessToken", when: tokenless, reason: tokenlessLogin},
	{prop: "AuthenticationResponseDto.refreshToken", when: tokenless, reason: tokenlessLogin},
	{prop: "AuthenticationResponseDto.expiresIn", when: tokenless, reason: tokenlessLogin},
	{prop: "AuthenticationResponseDto.expires", when: tokenless, reason: tokenlessLogin},
	{op: "GET /identity/resources/tenants/users/v1/statuses",
		reason: "the spec shows one user's statuses, but the route takes many userIds and answers an array (callers read data[0].tenantsStatuses)"},
	{op: "GET /identity/resources/usernames/v1",
		reason: "the spec shows one username, but the route takes many userIds and @frontegg/rest-api's getUsersUsernames reads a page {items, _metadata}"},
	{op: "GET /identity/resources/users/v2/me/hierarchy",
		reason: "the spec's schema is an empty placeholder object; the answer is the array of the caller's top-level tenants"},
	{op: "POST /identity/resources/users/v1/signUp",
		reason: "the spec's 201 schema is the request (SignUpUserEmailDto); the answer is {shouldActivate, userId, tenantId, activationToken?, authResponse?} (identity-api.md §4)"},
	{op: "POST /identity/resources/users/v1", at: "roles",
		reason: "role objects, as on every user route; the spec's string[] is wrong (rust-frontegg's create_user reads Vec<Role>)"},
	{op: "GET /team/resources/sso/v1/oidc/configurations", at: statusPath,
		reason: "the spec documents 201 for a GET, which no client expects; a read answers 200"},
	{prop: "AuthenticationResponseDto.mfaStrategies",
		reason: "an array of strategy names: @frontegg/rest-api types it MFAStrategyEnum[]; the spec's empty object carries nothing"},
	{op: "GET /identity/resources/tenants/api-tokens/v1", at: "[].expires",
		reason: "null for a token that never expires; no date would be true"},
	{op: "POST /identity/resources/users/v2", at: "roles",
		reason: "role objects, as on every user route (see POST users/v1)"},
	{op: "POST /identity/resources/users/v2", at: "permissions",
		reason: "permission objects, as on every user route (see POST users/v1)"},
	{prop: "GetTemplateResponseDto.type", reason: "the template type is its enum string (CreateTemplateDto.type); the spec's bare object is a generator slip"},
	{op: "GET /identity/resources/configurations/v1/sms/templates",
		reason: "the list of templates is an array; the spec gives one template's schema"},
	{op: "GET /identity/resources/configurations/v1/sms/templates/default/all",
		reason: "the list of default templates is an array; the spec gives one template's schema"},
	{op: "GET /identity/resources/mail/v1/configurations", at: "provider",
		reason: "Hatch sends over SMTP (API providers answer 400 with the SMTP relay to use), so the configuration's provider is smtp, which the spec's enum lacks"},
	{prop: "RoleDto.tenantId", reason: "null for an environment-wide role (see RoleResponse.tenantId)"},
	{op: "GET /identity/resources/users/v3/roles",
		reason: "the spec's schema is an empty placeholder object; the route answers [{vendorId, tenantId, userId, roleIds}] (identity-api.md §6)"},
	{op: "GET /identity/resources/users/v3/groups",
		reason: "the spec's schema is an empty placeholder object; the route answers [{vendorId, tenantId, userId, groupIds}] (identity-api.md §6)"},
	{prop: "RoleResponse.tenantId", reason: "null for an environment-wide role, as Frontegg answers; the admin portal tells account roles by a tenantId"},
	{prop: "PermissionResponse.categoryId", reason: "null for a permission in no category"},
	{prop: "ApplicationsResponse.integrationFinishedAt", reason: "null until the application's integration is marked finished"},
	{op: "POST /identity/resources/roles/v1", at: "",
		reason: "an object in, an object out: @frontegg/rest-api's addRole posts one role and reads one IRole; an array in gets the documented array"},
	{op: "PUT /identity/resources/permissions/v1/classification",
		reason: "the route classifies several permissionIds at once and answers every updated permission; the spec's single object cannot carry them"},
	{op: "POST /identity/resources/users/v1", at: "permissions",
		reason: "permission objects, as on every user route; the spec's string[] is wrong (rust-frontegg's create_user reads Vec<Permission>)"},
}

const (
	noLastLogin    = "a user who never logged in has no last login: the spec requires one, @frontegg/rest-api types it optional, and a time is not invented"
	tokenlessLogin = "a login that needs MFA (mfaToken) or a new password (resetPasswordToken) answers no tokens; the client returns such a body as-is (identity-api.md §4)"
)

// tokenless reports whether a login response is one that issues no tokens
// yet: the MFA step or an expired password.
func tokenless(obj map[string]any) bool {
	reset, _ := obj["resetPasswordToken"].(string)
	return obj["mfaRequired"] == true || reset != ""
}

// excused reports whether shapeExceptions covers m for op.
func excused(op *Operation, m Mismatch) bool {
	key := op.Method + " " + op.Path
	p := indexRE.ReplaceAllString(m.Path, "[]")
	for _, e := range shapeExceptions {
		var hit bool
		switch {
		case e.prop != "":
			hit = m.site.schema != "" && e.prop == m.site.schema+"."+m.site.prop
		case e.op == key && e.at == "":
			hit = p != statusPath
		case e.op == key:
			hit = p == e.at || strings.HasPrefix(p, e.at+".") || strings.HasPrefix(p, e.at+"[")
		}
		if hit && (e.when == nil || e.when(m.site.obj)) {
			return true
		}
	}
	return false
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// contract is the process-wide spec the shape check uses, read once: the
// documents are large and every request of every test consults them.
var contract struct {
	once sync.Once
	spec *Spec // nil when the documents are not reachable
	err  error
}

// contractSpec returns the spec, or nil (and no error) when the documents
// are not reachable: then shapes are simply not checked.
func contractSpec() (*Spec, error) {
	contract.once.Do(func() {
		dir, err := specDir()
		if err == nil {
			contract.spec, err = readSpec(dir)
		}
		if errors.Is(err, errNoSpec) || errors.Is(err, os.ErrNotExist) {
			err = nil
		}
		contract.err = err
	})
	return contract.spec, contract.err
}

// checkShape reports, as test errors, how a 2xx answer to method and path
// departs from its documented shape, leaving out shapeExceptions.
func checkShape(t testing.TB, method, path string, status int, body []byte) {
	t.Helper()
	if status/100 != 2 {
		return
	}
	spec, err := contractSpec()
	if err != nil {
		t.Errorf("shape check: %v", err)
		return
	}
	if spec == nil {
		return
	}
	op := spec.Match(method, path)
	if op == nil {
		return
	}
	for _, m := range op.CheckResponse(status, body) {
		if !excused(op, m) {
			t.Errorf("%s %s: response departs from the documented %s %s: %s", method, path, op.Method, op.Path, m)
		}
	}
}

// Match returns the documented operation a concrete request path answers, or
// nil. The query string and the /frontegg prefix are ignored, and so is a
// trailing slash. When several path templates match, the one with a literal
// segment at the first position where they differ wins, as in the router.
func (s *Spec) Match(method, path string) *Operation {
	path, _, _ = strings.Cut(path, "?")
	if rest, ok := strings.CutPrefix(path, "/frontegg"); ok && (rest == "" || rest[0] == '/') {
		path = rest
	}
	segs := splitPath(path)
	var best *Operation
	var bestLiterals []bool
	for _, o := range s.byMethod[method] {
		tmpl := splitPath(o.Path)
		if len(tmpl) != len(segs) {
			continue
		}
		literals := make([]bool, len(tmpl))
		ok := true
		for i, seg := range tmpl {
			switch {
			case seg == segs[i]:
				literals[i] = true
			case !paramRE.MatchString(seg) || segs[i] == "":
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && (best == nil || moreLiteral(literals, bestLiterals)) {
			best, bestLiterals = o, literals
		}
	}
	if best != nil && slices.Contains(bestLiterals, false) && s.InCatalog(method, path) {
		// The catalog names this very path (e.g. …/access-tokens/v1/active):
		// it is a route of its own that the documents leave out, not an
		// instance of the templated one.
		return nil
	}
	return best
}

// moreLiteral reports whether a has a literal segment where b has a parameter
// at the first position they differ.
func moreLiteral(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// CheckResponse returns every way body, answered with status, departs from
// the operation's documented response: a 2xx status the operation does not
// document, then the body against the schema of the status (or of the
// documented success status). It does not apply shapeExceptions.
func (o *Operation) CheckResponse(status int, body []byte) []Mismatch {
	responses, _ := o.resolve(o.raw["responses"]).(map[string]any)
	var out []Mismatch
	resp, ok := responses[strconv.Itoa(status)]
	if !ok {
		var documented []string
		for code := range responses {
			if strings.HasPrefix(code, "2") {
				documented = append(documented, code)
			}
		}
		if len(documented) == 0 {
			return nil
		}
		sort.Strings(documented)
		out = append(out, Mismatch{Path: statusPath, Msg: fmt.Sprintf("status %d, documented %s", status, strings.Join(documented, " or "))})
		if status == 204 {
			return out
		}
		resp = responses[documented[0]]
	}
	schema := o.responseSchema(resp)
	if schema == nil {
		return out
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return append(out, Mismatch{Msg: "empty, want JSON"})
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return append(out, Mismatch{Msg: "not JSON: " + err.Error()})
	}
	v := validator{op: o}
	v.check("", site{}, schema, value, 0)
	return append(out, v.out...)
}

// responseSchema returns the application/json schema of a response object,
// or nil when it documents none.
func (o *Operation) responseSchema(resp any) any {
	r, _ := o.resolve(resp).(map[string]any)
	content, _ := r["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	return media["schema"]
}

// resolve follows $ref (within the document's components) until it reaches
// a value that is not a reference; an unresolvable reference gives nil.
func (o *Operation) resolve(v any) any {
	v, _ = o.resolveNamed(v)
	return v
}

// resolveNamed is resolve that also returns the name of the last component
// schema reached ("" when v is not a reference to one).
func (o *Operation) resolveNamed(v any) (any, string) {
	name := ""
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			return v, name
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v, name
		}
		rest, ok := strings.CutPrefix(ref, "#/components/")
		if !ok {
			return nil, ""
		}
		var cur any = o.doc.Components
		parts := strings.Split(rest, "/")
		for _, part := range parts {
			part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
			cm, _ := cur.(map[string]any)
			cur = cm[part]
		}
		if len(parts) == 2 && parts[0] == "schemas" {
			name = parts[1]
		}
		v = cur
	}
	return nil, ""
}

// validator collects the mismatches of a value against a schema.
type validator struct {
	op  *Operation
	out []Mismatch
}

// maxDepth bounds recursion through schemas that refer to themselves.
const maxDepth = 64

func (v *validator) fail(path string, at site, format string, args ...any) {
	v.out = append(v.out, Mismatch{Path: path, Msg: fmt.Sprintf(format, args...), site: at})
}

// check appends to v.out how value, found at path and site, departs from schema.
func (v *validator) check(path string, at site, schema, value any, depth int) {
	resolved, name := v.op.resolveNamed(schema)
	s, _ := resolved.(map[string]any)
	if s == nil || depth > maxDepth {
		return
	}
	if value == nil {
		if want := v.typeOf(s); want != "" && !v.nullable(s) {
			v.fail(path, at, "null, want %s", want)
		}
		return
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			v.check(path, at, sub, value, depth+1)
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts, ok := s[key].([]any); ok && len(alts) > 0 {
			v.checkAlternatives(path, at, alts, value, depth)
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return reflect.DeepEqual(e, value) }) {
		v.fail(path, at, "%s is not one of %s", compact(value), compact(enum))
	}
	want := declaredType(s)
	if want == "" {
		return
	}
	if got := kindOf(value); got != want && !(want == "number" && got == "integer") {
		v.fail(path, at, "got %s, want %s", got, want)
		return
	}
	switch want {
	case "object":
		v.checkObject(path, name, s, value.(map[string]any), depth)
	case "array":
		if items, ok := s["items"]; ok {
			for i, item := range value.([]any) {
				v.check(path+"["+strconv.Itoa(i)+"]", site{}, items, item, depth+1)
			}
		}
	}
}

// checkObject checks the properties of obj; name is the component schema s
// came from, if any.
func (v *validator) checkObject(path, name string, s, obj map[string]any, depth int) {
	props, _ := s["properties"].(map[string]any)
	required := map[string]bool{}
	reqList, _ := s["required"].([]any)
	for _, r := range reqList {
		prop, _ := r.(string)
		required[prop] = true
		if _, ok := obj[prop]; !ok {
			v.fail(join(path, prop), site{name, prop, obj}, "required property missing")
		}
	}
	names := make([]string, 0, len(props))
	for prop := range props {
		names = append(names, prop)
	}
	sort.Strings(names)
	for _, prop := range names {
		val, ok := obj[prop]
		if !ok || (val == nil && !required[prop]) {
			continue
		}
		v.check(join(path, prop), site{name, prop, obj}, props[prop], val, depth+1)
	}
}

// checkAlternatives accepts value when one alternative fits it without a
// mismatch, and otherwise reports the mismatches of the closest alternative.
func (v *validator) checkAlternatives(path string, at site, alts []any, value any, depth int) {
	var closest []Mismatch
	for i, alt := range alts {
		sub := validator{op: v.op}
		sub.check(path, at, alt, value, depth+1)
		if len(sub.out) == 0 {
			return
		}
		if i == 0 || len(sub.out) < len(closest) {
			closest = sub.out
		}
	}
	v.out = append(v.out, closest...)
}

// typeOf names what a schema wants, for messages; "" when it accepts anything.
func (v *validator) typeOf(s map[string]any) string {
	if t := declaredType(s); t != "" {
		return t
	}
	for _, key := range []string{"allOf", "oneOf", "anyOf"} {
		subs, _ := s[key].([]any)
		for _, sub := range subs {
			if m, ok := v.op.resolve(sub).(map[string]any); ok {
				if t := v.typeOf(m); t != "" {
					return t
				}
			}
		}
	}
	if _, ok := s["enum"]; ok {
		return "an enum value"
	}
	return ""
}

// nullable reports whether a schema accepts null: it says nullable, one of
// its oneOf/anyOf alternatives does, or every allOf member does.
func (v *validator) nullable(s map[string]any) bool {
	if n, _ := s["nullable"].(bool); n {
		return true
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, _ := s[key].([]any)
		for _, alt := range alts {
			if m, ok := v.op.resolve(alt).(map[string]any); ok && v.nullable(m) {
				return true
			}
		}
	}
	all, _ := s["allOf"].([]any)
	for _, sub := range all {
		if m, ok := v.op.resolve(sub).(map[string]any); !ok || !v.nullable(m) {
			return false
		}
	}
	return len(all) > 0
}

// declaredType returns the schema's type; a schema with properties or
// required names is an object, one with items an array.
func declaredType(s map[string]any) string {
	if t, ok := s["type"].(string); ok {
		return t
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	if _, ok := s["required"]; ok {
		return "object"
	}
	if _, ok := s["items"]; ok {
		return "array"
	}
	return ""
}

// kindOf names the JSON type of a decoded value; whole numbers are integers.
func kindOf(value any) string {
	switch x := value.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "null"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func compact(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
