package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
)

// DecodeList reads a JSON array of T, or a single T as a list of one (the
// browser client sends one object where the management API takes an array);
// single reports the second form, so the answer can take the same one. An
// empty list is a 400.
func DecodeList[T any](r *http.Request) (items []T, single bool, err error) {
	var raw json.RawMessage
	if err := Decode(r, &raw); err != nil {
		return nil, false, err
	}
	body := bytes.TrimSpace(raw)
	if single = len(body) > 0 && body[0] == '{'; single {
		body = append(append([]byte{'['}, body...), ']')
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := Decode(r, &items); err != nil {
		return nil, false, err
	}
	if len(items) == 0 {
		return nil, false, iam.Invalid("Request body must list at least one item")
	}
	return items, single, nil
}

// IDs returns ids trimmed, without repeats, or a 400 naming field when ids is
// missing (nil), holds a blank, or is empty and empty is not allowed.
func IDs(field string, ids []string, allowEmpty bool) ([]string, error) {
	if ids == nil {
		return nil, iam.Invalid("%s is required", field)
	}
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, iam.Invalid("%s must not contain empty ids", field)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 && !allowEmpty {
		return nil, iam.Invalid("%s must not be empty", field)
	}
	return out, nil
}

// DecodeIDs reads a body that lists ids under field ({"roleIds": […]}) and
// returns them as IDs does; a missing field is a 400, a value that is not
// an array of strings too.
func DecodeIDs(r *http.Request, field string, allowEmpty bool) ([]string, error) {
	var body map[string]json.RawMessage
	if err := Decode(r, &body); err != nil {
		return nil, err
	}
	var ids []string
	if raw, ok := body[field]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ids); err != nil {
			return nil, iam.Invalid("%s must be of type array", field)
		}
		if ids == nil {
			ids = []string{}
		}
	}
	return IDs(field, ids, allowEmpty)
}

// QueryList reads a query parameter given as a comma-separated list,
// repeated, or both; nil when absent.
func QueryList(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
