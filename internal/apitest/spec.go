package apitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// EnvSpecDir names the folder of Frontegg's OpenAPI documents. By default it
// is ../shared/spec/openapi beside the repository. The documents are reference
// data: tests read them, the repository does not copy them.
const EnvSpecDir = "HATCH_FRONTEGG_SPEC_DIR"

// Operation is one method and path of Frontegg's public API.
type Operation struct {
	Method string
	Path   string // full path as served, e.g. /identity/resources/users/v3
	Tags   []string
	raw    map[string]any
	doc    *specDoc
}

type specDoc struct {
	Components map[string]any `json:"components"`
}

// Spec is the set of Frontegg's documented operations.
type Spec struct {
	Ops      []*Operation
	Catalog  string // spec/identity-api.md, which also lists routes the clients call
	byMethod map[string][]*Operation
}

// LoadSpec reads every OpenAPI document, or skips the test with a clear
// message when the folder is not there.
func LoadSpec(t testing.TB) *Spec {
	t.Helper()
	dir, err := specDir()
	if err != nil {
		t.Skipf("contract test skipped: %v", err)
	}
	s, err := readSpec(dir)
	if errors.Is(err, errNoSpec) {
		t.Skipf("contract test skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// errNoSpec reports a spec folder without OpenAPI documents.
var errNoSpec = errors.New("no OpenAPI documents")

// specDir returns $HATCH_FRONTEGG_SPEC_DIR, or ../shared/spec/openapi beside
// the repository; an error only when the repository root cannot be found.
func specDir() (string, error) {
	if dir := os.Getenv(EnvSpecDir); dir != "" {
		return dir, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "spec", "openapi"), nil
}

// readSpec parses every *.json document in dir; it returns an error wrapping
// errNoSpec when there is none.
func readSpec(dir string) (*Spec, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		return nil, fmt.Errorf("%w in %s (set %s)", errNoSpec, dir, EnvSpecDir)
	}
	s := &Spec{byMethod: map[string][]*Operation{}}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var d struct {
			Servers []struct{ URL string } `json:"servers"`
			Paths   map[string]map[string]json.RawMessage
			specDoc
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		prefix := ""
		if len(d.Servers) > 0 {
			if u, err := url.Parse(d.Servers[0].URL); err == nil {
				prefix = strings.TrimRight(u.Path, "/")
			}
		}
		doc := &d.specDoc
		for p, ops := range d.Paths {
			for m, rawOp := range ops {
				m = strings.ToUpper(m)
				switch m {
				case "GET", "POST", "PUT", "PATCH", "DELETE":
				default:
					continue
				}
				var op map[string]any
				json.Unmarshal(rawOp, &op)
				full := prefix + p
				if p == "/" {
					full = prefix
				}
				o := &Operation{Method: m, Path: full, raw: op, doc: doc}
				if tags, ok := op["tags"].([]any); ok {
					for _, tg := range tags {
						o.Tags = append(o.Tags, tg.(string))
					}
				}
				s.Ops = append(s.Ops, o)
				s.byMethod[m] = append(s.byMethod[m], o)
			}
		}
	}
	if cat, err := os.ReadFile(filepath.Join(dir, "..", "identity-api.md")); err == nil {
		s.Catalog = string(cat)
	}
	return s, nil
}

var paramRE = regexp.MustCompile(`\{[^}]+\}`)

// normalize replaces path parameter names so /a/{id} and /a/{userId} compare
// equal, and reads a registered "/a/{$}" (exactly /a/, the trailing-slash form
// some clients call) as the documented /a.
func normalize(p string) string {
	if trimmed, ok := strings.CutSuffix(p, "/{$}"); ok {
		p = trimmed
	}
	return paramRE.ReplaceAllString(p, "{}")
}

// Find returns the documented operation for method and a path pattern as
// registered (with {name} wildcards), or nil.
func (s *Spec) Find(method, path string) *Operation {
	want := normalize(path)
	for _, o := range s.byMethod[method] {
		if normalize(o.Path) == want {
			return o
		}
	}
	return nil
}

// InCatalog reports whether the catalog names "METHOD path" (routes the
// official clients call that the OpenAPI documents leave out).
func (s *Spec) InCatalog(method, path string) bool {
	want := normalize(path)
	for _, line := range strings.Split(s.Catalog, "\n") {
		if !strings.Contains(line, method) {
			continue
		}
		for _, m := range catalogPathRE.FindAllStringSubmatch(line, -1) {
			for _, p := range expandOptional(m[1]) {
				if normalize(strings.TrimPrefix(p, "/frontegg")) == want {
					return true
				}
			}
		}
	}
	return false
}

var catalogPathRE = regexp.MustCompile("`(?:[A-Z]+ )?(/[^`\\s]+)`")

// expandOptional expands the catalog's optional parts: "/a[/{id}[/x|/y]]"
// stands for /a, /a/{id}, /a/{id}/x and /a/{id}/y.
func expandOptional(p string) []string {
	open := strings.IndexByte(p, '[')
	if open < 0 {
		return []string{p}
	}
	depth, end := 0, -1
	for i := open; i < len(p) && end < 0; i++ {
		switch p[i] {
		case '[':
			depth++
		case ']':
			if depth--; depth == 0 {
				end = i
			}
		}
	}
	if end < 0 {
		return []string{p}
	}
	var alts []string
	depth, start := 0, open+1
	for i := open + 1; i < end; i++ {
		switch p[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '|':
			if depth == 0 {
				alts = append(alts, p[start:i])
				start = i + 1
			}
		}
	}
	alts = append(alts, p[start:end])
	var out []string
	for _, rest := range expandOptional(p[end+1:]) {
		out = append(out, p[:open]+rest)
		for _, alt := range alts {
			for _, a := range expandOptional(alt) {
				out = append(out, p[:open]+a+rest)
			}
		}
	}
	return out
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
