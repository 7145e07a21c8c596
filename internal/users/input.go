package users

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// optional is a request field that may be absent, null or set. Set is true
// for null too, with the zero Value, so null clears a nullable field.
type optional[T any] struct {
	Set   bool
	Value T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		var zero T
		o.Value = zero
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// apply stores the value in dst when the field was sent.
func (o optional[T]) apply(dst *T) {
	if o.Set {
		*dst = o.Value
	}
}

// jsonText is a metadata document. Frontegg's clients send it as a string
// holding JSON; some management clients send the JSON value itself. Both are
// kept as JSON text; check reports a string that does not hold JSON.
type jsonText struct {
	Set  bool
	Text string
}

func (j *jsonText) UnmarshalJSON(b []byte) error {
	j.Set = true
	switch {
	case string(b) == "null":
		j.Text = "{}"
	case len(b) > 0 && b[0] == '"':
		if err := json.Unmarshal(b, &j.Text); err != nil {
			return err
		}
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		j.Text = buf.String()
	}
	return nil
}

// check returns a 400 naming field when the text is not JSON; "" counts as {}.
func (j *jsonText) check(field string) error {
	if strings.TrimSpace(j.Text) == "" {
		j.Text = "{}"
	}
	if !json.Valid([]byte(j.Text)) {
		return iam.Invalid("%s must be a JSON string", field)
	}
	return nil
}

// apply stores the text in dst when the field was sent.
func (j jsonText) apply(dst *string) {
	if j.Set {
		*dst = j.Text
	}
}

// decodeFlag reads the body's required boolean field.
func decodeFlag(r *http.Request, field string) (bool, error) {
	var body map[string]json.RawMessage
	if err := api.Decode(r, &body); err != nil {
		return false, err
	}
	raw, ok := body[field]
	if !ok || string(raw) == "null" {
		return false, iam.Invalid("%s is required", field)
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, iam.Invalid("%s must be of type boolean", field)
	}
	return v, nil
}

// checkEmail returns email trimmed, or a 400 naming field when it is not a
// plain address.
func checkEmail(field, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", iam.Invalid("%s is required", field)
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", iam.Invalid("%s must be an email", field)
	}
	return email, nil
}

// checkLength returns a 400 naming field when s is longer than max characters.
func checkLength(field, s string, max int) error {
	if len([]rune(s)) > max {
		return iam.Invalid("%s must be at most %d characters", field, max)
	}
	return nil
}

// providers are the values of Frontegg's user provider enum.
var providers = []string{"local", "saml", "google", "github", "facebook", "microsoft", "scim2", "slack", "apple"}

func checkProvider(p string) (string, error) {
	if p == "" {
		return "local", nil
	}
	if !slices.Contains(providers, p) {
		return "", iam.Invalid("provider must be one of %s", strings.Join(providers, ", "))
	}
	return p, nil
}

// splitList reads a query parameter given as repeated keys, a comma list or both.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
