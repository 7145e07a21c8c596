package settings

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// jwtTemplatesName is the settings document holding every JWT template.
const jwtTemplatesName = "jwt-templates"

type templateSchema struct {
	Claims map[string]json.RawMessage `json:"claims"`
}

// jwtTemplate is a JWT template as stored and as answered (with vendorId).
type jwtTemplate struct {
	ID             string         `json:"id"`
	VendorID       string         `json:"vendorId"`
	Key            string         `json:"key"`
	Name           string         `json:"name"`
	Description    string         `json:"description"`
	Expiration     int            `json:"expiration"` // seconds
	Algorithm      string         `json:"algorithm"`
	TemplateSchema templateSchema `json:"templateSchema"`
	CreatedAt      time.Time      `json:"createdAt"`
	UpdatedAt      time.Time      `json:"updatedAt"`
}

type jwtTemplates struct {
	Templates []jwtTemplate `json:"templates"`
}

// index returns the position of the template with id, or -1.
func (d *jwtTemplates) index(id string) int {
	return slices.IndexFunc(d.Templates, func(t jwtTemplate) bool { return t.ID == id })
}

// jwtTemplateRequest is a create body (all but description required) or an
// update body (each field sent replaces the stored one).
type jwtTemplateRequest struct {
	Key            *string `json:"key"`
	Name           *string `json:"name"`
	Description    *string `json:"description"`
	Expiration     *int    `json:"expiration"`
	Algorithm      *string `json:"algorithm"`
	TemplateSchema *struct {
		Claims json.RawMessage `json:"claims"`
	} `json:"templateSchema"`
}

// requiredClaims must be in every template; reservedClaims never: Hatch sets them.
var (
	requiredClaims = []string{"iss", "sub", "aud", "exp", "iat"}
	reservedClaims = []string{"type", "userId", "superUser", "act", "amr", "acr", "auth_time", "nonce", "sid"}
)

var errNoTemplate = iam.NotFound("JWT template not found")

// apply validates the sent fields and sets them on t, returning a 400 naming
// the first bad field. create requires every field but description.
func (req *jwtTemplateRequest) apply(t *jwtTemplate, create bool) error {
	if create {
		switch {
		case req.Key == nil:
			return iam.Invalid("key is required")
		case req.Name == nil:
			return iam.Invalid("name is required")
		case req.Expiration == nil:
			return iam.Invalid("expiration is required")
		case req.Algorithm == nil:
			return iam.Invalid("algorithm is required")
		case req.TemplateSchema == nil:
			return iam.Invalid("templateSchema is required")
		}
	}
	switch {
	case req.Key != nil && strings.TrimSpace(*req.Key) == "":
		return iam.Invalid("key must not be empty")
	case req.Name != nil && strings.TrimSpace(*req.Name) == "":
		return iam.Invalid("name must not be empty")
	case req.Expiration != nil && *req.Expiration < 1:
		return iam.Invalid("expiration must be a positive number of seconds")
	case req.Algorithm != nil && *req.Algorithm != "RS256":
		// HS256 would need a shared secret that lets every verifier mint tokens.
		return iam.Invalid("algorithm must be RS256")
	}
	if req.TemplateSchema != nil {
		claims, err := parseClaims(req.TemplateSchema.Claims)
		if err != nil {
			return err
		}
		t.TemplateSchema.Claims = claims
	}
	set(&t.Key, req.Key)
	set(&t.Name, req.Name)
	set(&t.Description, req.Description)
	set(&t.Expiration, req.Expiration)
	set(&t.Algorithm, req.Algorithm)
	return nil
}

// parseClaims checks a template's claims: an object with the OIDC claims,
// an audience that is the environment or the application, no reserved claim.
func parseClaims(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var claims map[string]json.RawMessage
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &claims) != nil {
		return nil, iam.Invalid("templateSchema.claims must be an object")
	}
	for _, c := range requiredClaims {
		if _, ok := claims[c]; !ok {
			return nil, iam.Invalid("templateSchema.claims must include %s", strings.Join(requiredClaims, ", "))
		}
	}
	var aud string
	if json.Unmarshal(claims["aud"], &aud) != nil || (aud != "{{clientId}}" && aud != "{{applicationId}}") {
		return nil, iam.Invalid("templateSchema.claims.aud must be {{clientId}} or {{applicationId}}")
	}
	for _, c := range reservedClaims {
		if _, ok := claims[c]; ok {
			return nil, iam.Invalid("templateSchema.claims must not set %s: Hatch sets it", c)
		}
	}
	return claims, nil
}

// changeTemplates runs change on the stored templates and saves them, as one
// read-modify-write. change's error is returned unchanged and nothing is saved.
func (h *Handler) changeTemplates(r *http.Request, change func(d *jwtTemplates) error) error {
	var d jwtTemplates
	return h.DB.UpdateSetting(r.Context(), "", jwtTemplatesName, &d, h.Now(), func(bool) error { return change(&d) })
}

// checkKeyFree returns a 409 when another template than id uses key.
func (d *jwtTemplates) checkKeyFree(key, id string) error {
	if slices.ContainsFunc(d.Templates, func(t jwtTemplate) bool { return t.Key == key && t.ID != id }) {
		return iam.Conflict("A JWT template with key %s already exists", key)
	}
	return nil
}

// createTemplate adds a template; a key in use is a 409.
func (h *Handler) createTemplate(w http.ResponseWriter, r *http.Request) error {
	var req jwtTemplateRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	now := h.Now()
	t := jwtTemplate{ID: uuid.NewString(), VendorID: h.ClientID, CreatedAt: now, UpdatedAt: now}
	if err := req.apply(&t, true); err != nil {
		return err
	}
	err := h.changeTemplates(r, func(d *jwtTemplates) error {
		if err := d.checkKeyFree(t.Key, t.ID); err != nil {
			return err
		}
		d.Templates = append(d.Templates, t)
		return nil
	})
	if err != nil {
		return err
	}
	return api.Created(w, t)
}

// updateTemplate changes the fields the body sends; unknown id is a 404, a key
// in use by another template a 409.
func (h *Handler) updateTemplate(w http.ResponseWriter, r *http.Request) error {
	var req jwtTemplateRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var out jwtTemplate
	err := h.changeTemplates(r, func(d *jwtTemplates) error {
		i := d.index(r.PathValue("id"))
		if i < 0 {
			return errNoTemplate
		}
		t := d.Templates[i]
		if err := req.apply(&t, false); err != nil {
			return err
		}
		if err := d.checkKeyFree(t.Key, t.ID); err != nil {
			return err
		}
		t.VendorID, t.UpdatedAt = h.ClientID, h.Now()
		d.Templates[i], out = t, t
		return nil
	})
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// deleteTemplate removes a template; unknown id is a 404.
func (h *Handler) deleteTemplate(w http.ResponseWriter, r *http.Request) error {
	err := h.changeTemplates(r, func(d *jwtTemplates) error {
		i := d.index(r.PathValue("id"))
		if i < 0 {
			return errNoTemplate
		}
		d.Templates = slices.Delete(d.Templates, i, i+1)
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusNoContent, nil)
}

// findTemplates returns the stored templates (none when never saved).
func (h *Handler) findTemplates(r *http.Request) (jwtTemplates, error) {
	var d jwtTemplates
	err := h.DB.FindSetting(r.Context(), "", jwtTemplatesName, &d)
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return d, err
	}
	for i := range d.Templates {
		d.Templates[i].VendorID = h.ClientID
	}
	return d, nil
}

// getTemplate answers one template; unknown id is a 404.
func (h *Handler) getTemplate(w http.ResponseWriter, r *http.Request) error {
	d, err := h.findTemplates(r)
	if err != nil {
		return err
	}
	i := d.index(r.PathValue("id"))
	if i < 0 {
		return errNoTemplate
	}
	return api.OK(w, d.Templates[i])
}

var templateSortBy = map[string]func(a, b jwtTemplate) int{
	"id":        func(a, b jwtTemplate) int { return strings.Compare(a.ID, b.ID) },
	"key":       func(a, b jwtTemplate) int { return strings.Compare(a.Key, b.Key) },
	"name":      func(a, b jwtTemplate) int { return strings.Compare(a.Name, b.Name) },
	"createdAt": func(a, b jwtTemplate) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"updatedAt": func(a, b jwtTemplate) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
}

// listTemplates answers a page of templates, optionally only those with the
// given keys or ids (each repeated or comma-separated).
func (h *Handler) listTemplates(w http.ResponseWriter, r *http.Request) error {
	p, err := api.ParsePaging(r, 50)
	if err != nil {
		return err
	}
	if p.Limit == 0 {
		p.Limit = 50
	}
	if p.SortBy == "" {
		p.SortBy = "createdAt"
	}
	byField, ok := templateSortBy[p.SortBy]
	if !ok {
		return iam.Invalid("_sortBy must be one of id, key, name, createdAt, updatedAt")
	}
	d, err := h.findTemplates(r)
	if err != nil {
		return err
	}
	keys, ids := listParam(r, "keys"), listParam(r, "ids")
	items := slices.DeleteFunc(d.Templates, func(t jwtTemplate) bool {
		return (len(keys) > 0 && !slices.Contains(keys, t.Key)) || (len(ids) > 0 && !slices.Contains(ids, t.ID))
	})
	slices.SortStableFunc(items, func(a, b jwtTemplate) int {
		c := cmp.Or(byField(a, b), strings.Compare(a.ID, b.ID))
		if p.Desc {
			return -c
		}
		return c
	})
	total := len(items)
	items = items[min(p.Offset, total):min(p.Offset+p.Limit, total)]
	return api.OK(w, api.NewList(items, total, p.Limit))
}

// listParam returns the values of a list query parameter, sent repeated or comma-separated.
func listParam(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
