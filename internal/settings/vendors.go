package settings

import (
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
)

// vendorName is the settings document holding the vendor's profile. The
// vendor's allowed origins live in the core settings, where CORS reads them.
const vendorName = "vendor"

// vendorProfile is the stored profile.
type vendorProfile struct {
	Name              string `json:"name"`
	Country           string `json:"country"`
	BackendStack      string `json:"backendStack"`
	FrontendStack     string `json:"frontendStack"`
	OpenSaaSInstalled bool   `json:"openSaaSInstalled"`
	Host              string `json:"host"`
	Logo              string `json:"logo"`
	Icon              string `json:"icon"`
	WhiteLabelMode    bool   `json:"whiteLabelMode"`
}

// vendorJSON is the vendor as GET and PUT /vendors answer it.
type vendorJSON struct {
	ID string `json:"id"`
	vendorProfile
	AllowedOrigins []string `json:"allowedOrigins"`
}

// vendorPatch is a PUT /vendors body: each field sent replaces the stored
// value, each field left out keeps it.
type vendorPatch struct {
	Name              *string   `json:"name"`
	Country           *string   `json:"country"`
	BackendStack      *string   `json:"backendStack"`
	FrontendStack     *string   `json:"frontendStack"`
	OpenSaaSInstalled *bool     `json:"openSaaSInstalled"`
	Host              *string   `json:"host"`
	Logo              *string   `json:"logo"`
	Icon              *string   `json:"icon"`
	WhiteLabelMode    *bool     `json:"whiteLabelMode"`
	AllowedOrigins    *[]string `json:"allowedOrigins"`
}

func (p *vendorPatch) apply(v *vendorProfile) {
	set(&v.Name, p.Name)
	set(&v.Country, p.Country)
	set(&v.BackendStack, p.BackendStack)
	set(&v.FrontendStack, p.FrontendStack)
	set(&v.OpenSaaSInstalled, p.OpenSaaSInstalled)
	set(&v.Host, p.Host)
	set(&v.Logo, p.Logo)
	set(&v.Icon, p.Icon)
	set(&v.WhiteLabelMode, p.WhiteLabelMode)
}

func (h *Handler) findVendor(r *http.Request) (vendorProfile, error) {
	var v vendorProfile
	err := h.DB.FindSetting(r.Context(), "", vendorName, &v)
	if errors.Is(err, iam.ErrNotFound) {
		err = nil
	}
	return v, err
}

func (h *Handler) vendorJSON(v vendorProfile, c policy.Core) vendorJSON {
	origins := c.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return vendorJSON{ID: h.ClientID, vendorProfile: v, AllowedOrigins: origins}
}

// getVendor answers the vendor's profile and allowed origins.
func (h *Handler) getVendor(w http.ResponseWriter, r *http.Request) error {
	v, err := h.findVendor(r)
	if err != nil {
		return err
	}
	c, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, h.vendorJSON(v, c))
}

// updateVendor changes the fields the body sends. allowedOrigins (the
// origins CORS admits with credentials) is checked and saved first, so a bad
// origin is a 400 with nothing saved; it applies to the next request on this node.
func (h *Handler) updateVendor(w http.ResponseWriter, r *http.Request) error {
	var p vendorPatch
	if err := api.Decode(r, &p); err != nil {
		return err
	}
	ctx := r.Context()
	var c policy.Core
	var err error
	if p.AllowedOrigins != nil {
		c, err = h.Settings.UpdateCore(ctx, func(c *policy.Core) { c.AllowedOrigins = canonicalOrigins(*p.AllowedOrigins) })
	} else {
		c, err = h.Settings.Core(ctx)
	}
	if err != nil {
		return err
	}
	var v vendorProfile
	err = h.DB.UpdateSetting(ctx, "", vendorName, &v, h.Now(), func(bool) error {
		p.apply(&v)
		return nil
	})
	if err != nil {
		return err
	}
	return api.OK(w, h.vendorJSON(v, c))
}

type publicVendorJSON struct {
	Name           string `json:"name"`
	Logo           string `json:"logo"`
	Icon           string `json:"icon"`
	WhiteLabelMode bool   `json:"whiteLabelMode"`
}

// getPublicVendor answers what the login box shows of the vendor before sign-in.
func (h *Handler) getPublicVendor(w http.ResponseWriter, r *http.Request) error {
	v, err := h.findVendor(r)
	if err != nil {
		return err
	}
	return api.OK(w, publicVendorJSON{Name: v.Name, Logo: v.Logo, Icon: v.Icon, WhiteLabelMode: v.WhiteLabelMode})
}
