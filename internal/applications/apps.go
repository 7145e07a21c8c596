package applications

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/store"
)

// appJSON is Frontegg's application.
type appJSON struct {
	ID                    string          `json:"id"`
	VendorID              string          `json:"vendorId"`
	AccessType            string          `json:"accessType"`
	AppURL                string          `json:"appURL"`
	LoginURL              string          `json:"loginURL"`
	IsDefault             bool            `json:"isDefault"`
	IsActive              bool            `json:"isActive"`
	Name                  string          `json:"name"`
	LogoURL               string          `json:"logoURL"`
	CreatedAt             time.Time       `json:"createdAt"`
	UpdatedAt             time.Time       `json:"updatedAt"`
	Type                  string          `json:"type"`
	FrontendStack         string          `json:"frontendStack"`
	Description           string          `json:"description"`
	IntegrationFinishedAt *time.Time      `json:"integrationFinishedAt"`
	Metadata              json.RawMessage `json:"metadata"`
	AppHost               string          `json:"appHost"`
	AllowDCR              bool            `json:"allowDcr"`
	// Hatch's additions: the application as an OAuth client (oauth_clients.go).
	RedirectURLs []string `json:"redirectURLs"`
	LogoutURLs   []string `json:"logoutURLs"`
}

func (h *Handler) app(a *iam.Application) appJSON {
	meta := json.RawMessage(a.Metadata)
	if !json.Valid(meta) {
		meta = json.RawMessage("{}")
	}
	return appJSON{ID: a.ID, VendorID: h.VendorID, AccessType: a.AccessType, AppURL: a.AppURL, LoginURL: a.LoginURL,
		IsDefault: a.IsDefault, IsActive: a.IsActive, Name: a.Name, LogoURL: a.LogoURL, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt, Type: a.Type, FrontendStack: a.FrontendStack, Description: a.Description,
		IntegrationFinishedAt: a.IntegrationFinishedAt, Metadata: meta, AppHost: a.AppHost, AllowDCR: a.AllowDCR,
		RedirectURLs: orEmpty(a.RedirectURLs), LogoutURLs: orEmpty(a.LogoutURLs)}
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// The values the enum fields of applications take.
func appTypes() []string { return []string{"web", "mobile-ios", "mobile-android", "agent", "other"} }

func frontendStacks() []string {
	return []string{"react", "vue", "angular", "next.js", "vanilla.js", "ionic", "flutter", "react-native", "kotlin", "swift"}
}

func accessTypes() []string { return []string{iam.FreeAccess, iam.ManagedAccess} }

// oneOf returns a 400 naming field unless v is one of allowed.
func oneOf(field, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return iam.Invalid("%s must be one of %s", field, strings.Join(allowed, ", "))
}

// listApps answers the applications that match the query. A user sees only
// those its account may use: assigned to it, or free to all and assigned to
// no account.
func (h *Handler) listApps(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.ApplicationFilter{Name: q.Get("name"), Types: api.QueryList(r, "type"), FrontendStacks: api.QueryList(r, "frontendStack")}
	if ids := api.QueryList(r, "ids"); len(ids) > 0 {
		f.IDs = ids
	}
	if f.AccessType = q.Get("_accessType"); f.AccessType != "" {
		if err := oneOf("_accessType", f.AccessType, accessTypes()); err != nil {
			return err
		}
	}
	for name, dst := range map[string]**bool{"_isDefault": &f.IsDefault, "_isActive": &f.IsActive} {
		if s := q.Get(name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return iam.Invalid("%s must be true or false", name)
			}
			*dst = &b
		}
	}
	f.ExcludeAgents = q.Get("_excludeAgents") == "true"
	if p := api.PrincipalFrom(r.Context()); !p.IsVendor() {
		f.VisibleTo = p.TenantID
	}
	apps, err := h.DB.FindApplications(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]appJSON, len(apps))
	for i, a := range apps {
		out[i] = h.app(a)
	}
	return api.OK(w, out)
}

type appInput struct {
	Name          *string         `json:"name"`
	AppURL        *string         `json:"appURL"`
	LoginURL      *string         `json:"loginURL"`
	LogoURL       *string         `json:"logoURL"`
	AccessType    *string         `json:"accessType"`
	IsDefault     *bool           `json:"isDefault"`
	IsActive      *bool           `json:"isActive"`
	Type          *string         `json:"type"`
	FrontendStack *string         `json:"frontendStack"`
	Description   *string         `json:"description"`
	Metadata      json.RawMessage `json:"metadata"`
	AppHost       *string         `json:"appHost"`
	AllowDCR      *bool           `json:"allowDcr"`
	RedirectURLs  *[]string       `json:"redirectURLs"`
	LogoutURLs    *[]string       `json:"logoutURLs"`
}

// apply copies the fields that are set onto a, checking each.
func (in appInput) apply(a *iam.Application) error {
	if in.Name != nil {
		if a.Name = strings.TrimSpace(*in.Name); a.Name == "" {
			return iam.Invalid("name must not be empty")
		}
	}
	for _, f := range []struct {
		name string
		in   *string
		dst  *string
	}{{"appURL", in.AppURL, &a.AppURL}, {"loginURL", in.LoginURL, &a.LoginURL}, {"logoURL", in.LogoURL, &a.LogoURL}} {
		if f.in == nil {
			continue
		}
		v := strings.TrimSpace(*f.in)
		if u, err := url.Parse(v); v != "" && (err != nil || u.Scheme == "" || u.Host == "") {
			return iam.Invalid("%s must be an absolute URL", f.name)
		}
		*f.dst = v
	}
	for _, f := range []struct {
		name    string
		in      *string
		dst     *string
		allowed []string
	}{{"accessType", in.AccessType, &a.AccessType, accessTypes()}, {"type", in.Type, &a.Type, appTypes()},
		{"frontendStack", in.FrontendStack, &a.FrontendStack, frontendStacks()}} {
		if f.in == nil {
			continue
		}
		if err := oneOf(f.name, *f.in, f.allowed); err != nil {
			return err
		}
		*f.dst = *f.in
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.AppHost != nil {
		a.AppHost = strings.TrimSpace(*in.AppHost)
	}
	for _, f := range []struct {
		name string
		in   *[]string
		dst  *[]string
	}{{"redirectURLs", in.RedirectURLs, &a.RedirectURLs}, {"logoutURLs", in.LogoutURLs, &a.LogoutURLs}} {
		if f.in == nil {
			continue
		}
		if err := policy.CheckRedirectURIs(f.name, *f.in); err != nil {
			return err
		}
		*f.dst = *f.in
	}
	if len(in.Metadata) > 0 && string(in.Metadata) != "null" {
		var obj map[string]any
		if err := json.Unmarshal(in.Metadata, &obj); err != nil {
			return iam.Invalid("metadata must be an object")
		}
		a.Metadata = string(in.Metadata)
	}
	for _, f := range []struct {
		in  *bool
		dst *bool
	}{{in.IsDefault, &a.IsDefault}, {in.IsActive, &a.IsActive}, {in.AllowDCR, &a.AllowDCR}} {
		if f.in != nil {
			*f.dst = *f.in
		}
	}
	return nil
}

func (h *Handler) createApp(w http.ResponseWriter, r *http.Request) error {
	var in appInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	for field, v := range map[string]*string{"name": in.Name, "appURL": in.AppURL, "loginURL": in.LoginURL} {
		if v == nil || strings.TrimSpace(*v) == "" {
			return iam.Invalid("%s is required", field)
		}
	}
	now := h.Now()
	a := &iam.Application{ID: uuid.NewString(), AccessType: iam.FreeAccess, IsActive: true, Type: "web", FrontendStack: "react",
		Metadata: "{}", CreatedAt: now, UpdatedAt: now}
	if err := in.apply(a); err != nil {
		return err
	}
	if err := h.DB.SaveApplication(r.Context(), a); err != nil {
		return err
	}
	return api.Created(w, h.app(a))
}

// findApp returns the application with id, or a 404.
func (h *Handler) findApp(r *http.Request, id string) (*iam.Application, error) {
	a, err := h.DB.FindApplication(r.Context(), id)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.NotFound("Application not found")
	}
	return a, err
}

func (h *Handler) getApp(w http.ResponseWriter, r *http.Request) error {
	a, err := h.findApp(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return api.OK(w, h.app(a))
}

func (h *Handler) getDefaultApp(w http.ResponseWriter, r *http.Request) error {
	a, err := h.DB.FindDefaultApplication(r.Context())
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("There is no default application")
	}
	if err != nil {
		return err
	}
	return api.OK(w, h.app(a))
}

func (h *Handler) updateApp(w http.ResponseWriter, r *http.Request) error {
	var in appInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	a, err := h.findApp(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := in.apply(a); err != nil {
		return err
	}
	a.UpdatedAt = h.Now()
	if err := h.DB.SaveApplication(r.Context(), a); err != nil {
		return err
	}
	return api.Created(w, h.app(a)) // the spec documents 201 for PATCH
}

// deleteApp removes the application with its account and user assignments.
func (h *Handler) deleteApp(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeleteApplication(r.Context(), r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Application not found")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
