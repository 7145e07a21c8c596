package settings

import (
	"net/http"
	"slices"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/policy"
)

// configuration is the core settings as Frontegg's configurations route shows them.
type configuration struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"` // PEM; the Node SDK verifies tokens with it
	JWTSecret string `json:"jwtSecret"` // always "": tokens are signed with RS256 only
	policy.Core
}

func (h *Handler) configuration(c policy.Core) configuration {
	if c.AllowedOrigins == nil {
		c.AllowedOrigins = []string{}
	}
	return configuration{ID: h.ClientID, PublicKey: h.Keys.PublicKeyPEM(), Core: c}
}

// corePatch is a configurations body: each field sent replaces the stored
// value, each field left out keeps it.
type corePatch struct {
	DefaultTokenExpiration              *int      `json:"defaultTokenExpiration"`
	DefaultRefreshTokenExpiration       *int      `json:"defaultRefreshTokenExpiration"`
	CookieSameSite                      *string   `json:"cookieSameSite"`
	MachineToMachineAuthStrategy        *string   `json:"machineToMachineAuthStrategy"`
	AllowSignups                        *bool     `json:"allowSignups"`
	APITokensEnabled                    *bool     `json:"apiTokensEnabled"`
	AllowOverridePasswordComplexity     *bool     `json:"allowOverridePasswordComplexity"`
	AllowOverridePasswordExpiration     *bool     `json:"allowOverridePasswordExpiration"`
	AllowOverrideEnforcePasswordHistory *bool     `json:"allowOverrideEnforcePasswordHistory"`
	JWTAlgorithm                        *string   `json:"jwtAlgorithm"`
	AllowNotVerifiedUsersLogin          *bool     `json:"allowNotVerifiedUsersLogin"`
	ForcePermissions                    *bool     `json:"forcePermissions"`
	AddSamlAttributesToJWT              *bool     `json:"addSamlAttributesToJwt"`
	AuthStrategy                        *string   `json:"authStrategy"`
	DefaultPasswordlessTokenExpiration  *int      `json:"defaultPasswordlessTokenExpiration"`
	ForceSameDeviceOnAuth               *bool     `json:"forceSameDeviceOnAuth"`
	AllowTenantInvitations              *bool     `json:"allowTenantInvitations"`
	RotateRefreshTokens                 *bool     `json:"rotateRefreshTokens"`
	SkipTenantValidation                *bool     `json:"skipTenantValidation"`
	AddRolesToJWT                       *bool     `json:"addRolesToJwt"`
	AddPermissionsToJWT                 *bool     `json:"addPermissionsToJwt"`
	AllowCustomLoginTenantSwitch        *bool     `json:"allowCustomLoginTenantSwitch"`
	RefreshTokensRotationLimit          *int      `json:"refreshTokensRotationLimit"`
	AllowedOrigins                      *[]string `json:"allowedOrigins"`
	SessionAbsoluteTimeout              *int      `json:"sessionAbsoluteTimeout"`
}

// apply sets the sent fields on c. Values are not checked here:
// policy.Core.Validate checks the result.
func (p *corePatch) apply(c *policy.Core) {
	set(&c.DefaultTokenExpiration, p.DefaultTokenExpiration)
	set(&c.DefaultRefreshTokenExpiration, p.DefaultRefreshTokenExpiration)
	if p.CookieSameSite != nil {
		c.CookieSameSite = strings.ToUpper(*p.CookieSameSite) // Terraform documents lower case
	}
	set(&c.MachineToMachineAuthStrategy, p.MachineToMachineAuthStrategy)
	set(&c.AllowSignups, p.AllowSignups)
	set(&c.APITokensEnabled, p.APITokensEnabled)
	set(&c.AllowOverridePasswordComplexity, p.AllowOverridePasswordComplexity)
	set(&c.AllowOverridePasswordExpiration, p.AllowOverridePasswordExpiration)
	set(&c.AllowOverrideEnforcePasswordHistory, p.AllowOverrideEnforcePasswordHistory)
	set(&c.JWTAlgorithm, p.JWTAlgorithm)
	set(&c.AllowNotVerifiedUsersLogin, p.AllowNotVerifiedUsersLogin)
	set(&c.ForcePermissions, p.ForcePermissions)
	set(&c.AddSamlAttributesToJWT, p.AddSamlAttributesToJWT)
	set(&c.AuthStrategy, p.AuthStrategy)
	set(&c.DefaultPasswordlessTokenExpiration, p.DefaultPasswordlessTokenExpiration)
	set(&c.ForceSameDeviceOnAuth, p.ForceSameDeviceOnAuth)
	set(&c.AllowTenantInvitations, p.AllowTenantInvitations)
	set(&c.RotateRefreshTokens, p.RotateRefreshTokens)
	set(&c.SkipTenantValidation, p.SkipTenantValidation)
	set(&c.AddRolesToJWT, p.AddRolesToJWT)
	set(&c.AddPermissionsToJWT, p.AddPermissionsToJWT)
	set(&c.AllowCustomLoginTenantSwitch, p.AllowCustomLoginTenantSwitch)
	set(&c.RefreshTokensRotationLimit, p.RefreshTokensRotationLimit)
	if p.AllowedOrigins != nil {
		c.AllowedOrigins = canonicalOrigins(*p.AllowedOrigins)
	}
	set(&c.SessionAbsoluteTimeout, p.SessionAbsoluteTimeout)
}

// canonicalOrigins returns the origins in canonical form, without repeats.
// One that is not an origin is kept as sent, for Validate to name.
func canonicalOrigins(origins []string) []string {
	out := []string{}
	for _, o := range origins {
		if c := policy.CanonicalOrigin(o); c != "" {
			o = c
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// postConfiguration changes the core settings the body sends and answers the
// whole configuration. The change applies to the next login on this node.
func (h *Handler) postConfiguration(w http.ResponseWriter, r *http.Request) error {
	var p corePatch
	if err := api.Decode(r, &p); err != nil {
		return err
	}
	c, err := h.Settings.UpdateCore(r.Context(), p.apply)
	if err != nil {
		return err
	}
	return api.Created(w, h.configuration(c))
}

// getConfiguration answers the whole configuration, with the public key.
func (h *Handler) getConfiguration(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, h.configuration(c))
}

type basicConfiguration struct {
	ForcePermissions             bool   `json:"forcePermissions"`
	MachineToMachineAuthStrategy string `json:"machineToMachineAuthStrategy"`
}

// getBasicConfiguration answers the two settings a backend needs to check API tokens.
func (h *Handler) getBasicConfiguration(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, basicConfiguration{ForcePermissions: c.ForcePermissions, MachineToMachineAuthStrategy: c.MachineToMachineAuthStrategy})
}

type publicConfiguration struct {
	AllowSignups                 bool   `json:"allowSignups"`
	AllowNotVerifiedUsersLogin   bool   `json:"allowNotVerifiedUsersLogin"`
	APITokensEnabled             bool   `json:"apiTokensEnabled"`
	ForcePermissions             bool   `json:"forcePermissions"`
	AuthStrategy                 string `json:"authStrategy"`
	MachineToMachineAuthStrategy string `json:"machineToMachineAuthStrategy"`
}

// getPublicConfiguration answers what the login box reads before sign-in.
func (h *Handler) getPublicConfiguration(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, publicConfiguration{AllowSignups: c.AllowSignups, AllowNotVerifiedUsersLogin: c.AllowNotVerifiedUsersLogin,
		APITokensEnabled: c.APITokensEnabled, ForcePermissions: c.ForcePermissions, AuthStrategy: c.AuthStrategy,
		MachineToMachineAuthStrategy: c.MachineToMachineAuthStrategy})
}
