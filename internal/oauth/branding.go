package oauth

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// brandingName is the settings document holding the login page's look.
const brandingName = "loginPage"

// branding is how the login page looks: the application's name and logo and
// three colours. Text and background must contrast at least 4.5:1 (WCAG 2.1
// AA); the text on the primary colour (buttons) is black or white, whichever
// contrasts more.
type branding struct {
	AppName         string `json:"appName"`
	LogoURL         string `json:"logoUrl"`
	PrimaryColor    string `json:"primaryColor"`
	BackgroundColor string `json:"backgroundColor"`
	TextColor       string `json:"textColor"`
}

func defaultBranding() branding {
	return branding{PrimaryColor: "#1d4ed8", BackgroundColor: "#f3f4f6", TextColor: "#111827"}
}

// vendorProfile is the part of the vendor's profile (the settings package's
// "vendor" document, PUT /vendors) the page falls back to for its name and logo.
type vendorProfile struct {
	Name string `json:"name"`
	Logo string `json:"logo"`
}

// pageBranding returns the saved branding with the vendor's name and logo
// where the branding has none.
func (h *Handler) pageBranding(ctx context.Context) (branding, error) {
	b, err := h.savedBranding(ctx)
	if err != nil {
		return b, err
	}
	if b.AppName == "" || b.LogoURL == "" {
		var v vendorProfile
		if err := h.DB.FindSetting(ctx, "", "vendor", &v); err != nil && !errors.Is(err, iam.ErrNotFound) {
			return b, err
		}
		if b.AppName == "" {
			b.AppName = v.Name
		}
		if b.LogoURL == "" {
			b.LogoURL = v.Logo
		}
	}
	return b, nil
}

func (h *Handler) savedBranding(ctx context.Context) (branding, error) {
	b := defaultBranding()
	if err := h.DB.FindSetting(ctx, "", brandingName, &b); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return b, err
	}
	return b, nil
}

// getBranding answers the login page's branding.
func (h *Handler) getBranding(w http.ResponseWriter, r *http.Request) error {
	b, err := h.savedBranding(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, b)
}

type brandingPatch struct {
	AppName         *string `json:"appName"`
	LogoURL         *string `json:"logoUrl"`
	PrimaryColor    *string `json:"primaryColor"`
	BackgroundColor *string `json:"backgroundColor"`
	TextColor       *string `json:"textColor"`
}

// putBranding changes the login page's branding; each field sent replaces
// the stored one ("" for the name or logo falls back to the vendor's).
func (h *Handler) putBranding(w http.ResponseWriter, r *http.Request) error {
	var req brandingPatch
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	b, err := h.savedBranding(ctx)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&b.AppName, req.AppName}, {&b.LogoURL, req.LogoURL}, {&b.PrimaryColor, req.PrimaryColor},
		{&b.BackgroundColor, req.BackgroundColor}, {&b.TextColor, req.TextColor}} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	if err := b.validate(); err != nil {
		return err
	}
	if err := h.DB.SaveSetting(ctx, "", brandingName, b, h.Now()); err != nil {
		return err
	}
	return api.OK(w, b)
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// validate returns a 400 naming the first bad field.
func (b *branding) validate() error {
	if utf8.RuneCountInString(b.AppName) > 100 {
		return iam.Invalid("appName must be at most 100 characters")
	}
	if b.LogoURL != "" {
		u, err := url.Parse(b.LogoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(b.LogoURL) > 2000 {
			return iam.Invalid("logoUrl must be an absolute http(s) URL")
		}
	}
	for _, c := range []struct{ name, value string }{{"primaryColor", b.PrimaryColor}, {"backgroundColor", b.BackgroundColor}, {"textColor", b.TextColor}} {
		if !colorRE.MatchString(c.value) {
			return iam.Invalid("%s must be a colour as #rrggbb", c.name)
		}
	}
	if ratio := contrast(b.TextColor, b.BackgroundColor); ratio < 4.5 {
		return iam.Invalid("textColor on backgroundColor contrasts %.1f:1; at least 4.5:1 is needed (WCAG AA)", ratio)
	}
	if ratio := contrast(b.PrimaryColor, b.BackgroundColor); ratio < 3 {
		return iam.Invalid("primaryColor on backgroundColor contrasts %.1f:1; at least 3:1 is needed for buttons and links (WCAG AA)", ratio)
	}
	return nil
}

// onPrimary returns the text colour for buttons of the primary colour: black
// or white, whichever contrasts more.
func (b *branding) onPrimary() string {
	if contrast(b.PrimaryColor, "#ffffff") >= contrast(b.PrimaryColor, "#000000") {
		return "#ffffff"
	}
	return "#000000"
}

// contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	channel := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	if !colorRE.MatchString(hex) {
		return 0 // never for a validated branding
	}
	return 0.2126*channel(1) + 0.7152*channel(3) + 0.0722*channel(5)
}
