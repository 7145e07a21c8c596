package mfa

import (
	"net/http"
	"slices"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
)

// configJSON is Frontegg's MFA configuration shape.
type configJSON struct {
	AuthenticationApp appJSON  `json:"authenticationApp"`
	SMS               codeJSON `json:"sms"`
	Email             codeJSON `json:"email"`
}

type appJSON struct {
	Active      bool   `json:"active"`
	ServiceName string `json:"serviceName"`
}

type codeJSON struct {
	Active               bool    `json:"active"`
	TokenLifetimeSeconds int     `json:"tokenLifetimeSeconds"`
	Sender               *string `json:"sender,omitempty"`
}

func configOut(c factors.Config) configJSON {
	sender := c.Email.Sender
	return configJSON{
		AuthenticationApp: appJSON{Active: c.AuthenticationApp.Active, ServiceName: c.AuthenticationApp.ServiceName},
		SMS:               codeJSON{Active: c.SMS.Active, TokenLifetimeSeconds: c.SMS.TokenLifetimeSeconds},
		Email:             codeJSON{Active: c.Email.Active, TokenLifetimeSeconds: c.Email.TokenLifetimeSeconds, Sender: &sender},
	}
}

// configRequest is the body of POST: each part is optional; a part that is
// sent replaces that part, and its fields are required.
type configRequest struct {
	AuthenticationApp *struct {
		Active      *bool   `json:"active"`
		ServiceName *string `json:"serviceName"`
	} `json:"authenticationApp"`
	SMS *struct {
		Active               *bool `json:"active"`
		TokenLifetimeSeconds *int  `json:"tokenLifetimeSeconds"`
	} `json:"sms"`
	Email *struct {
		Active               *bool   `json:"active"`
		TokenLifetimeSeconds *int    `json:"tokenLifetimeSeconds"`
		Sender               *string `json:"sender"`
	} `json:"email"`
}

func (req *configRequest) check() error {
	switch {
	case req.AuthenticationApp != nil && req.AuthenticationApp.Active == nil:
		return iam.Invalid("authenticationApp.active is required")
	case req.AuthenticationApp != nil && req.AuthenticationApp.ServiceName == nil:
		return iam.Invalid("authenticationApp.serviceName is required")
	case req.SMS != nil && req.SMS.Active == nil:
		return iam.Invalid("sms.active is required")
	case req.SMS != nil && req.SMS.TokenLifetimeSeconds == nil:
		return iam.Invalid("sms.tokenLifetimeSeconds is required")
	case req.Email != nil && req.Email.Active == nil:
		return iam.Invalid("email.active is required")
	case req.Email != nil && req.Email.TokenLifetimeSeconds == nil:
		return iam.Invalid("email.tokenLifetimeSeconds is required")
	}
	return nil
}

// saveConfig changes the environment's MFA configuration (201).
func (h *Handler) saveConfig(w http.ResponseWriter, r *http.Request) error {
	var req configRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	c, err := h.Factors.UpdateConfig(r.Context(), func(c *factors.Config) {
		if a := req.AuthenticationApp; a != nil {
			c.AuthenticationApp = factors.AppConfig{Active: *a.Active, ServiceName: *a.ServiceName}
		}
		if s := req.SMS; s != nil {
			c.SMS = factors.CodeConfig{Active: *s.Active, TokenLifetimeSeconds: *s.TokenLifetimeSeconds}
		}
		if e := req.Email; e != nil {
			c.Email = factors.CodeConfig{Active: *e.Active, TokenLifetimeSeconds: *e.TokenLifetimeSeconds}
			if e.Sender != nil {
				c.Email.Sender = *e.Sender
			}
		}
	})
	if err != nil {
		return err
	}
	return api.Created(w, configOut(c))
}

// getConfig returns the environment's MFA configuration.
func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Factors.Config(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, configOut(c))
}

type strategyJSON struct {
	Strategy string `json:"strategy"`
	IsActive bool   `json:"isActive"`
}

type strategiesJSON struct {
	Strategies []strategyJSON `json:"strategies"`
}

func strategiesOut(c factors.Config) strategiesJSON {
	out := strategiesJSON{Strategies: []strategyJSON{}}
	for _, s := range factors.Strategies {
		out.Strategies = append(out.Strategies, strategyJSON{Strategy: s, IsActive: c.Active(s)})
	}
	return out
}

// getStrategies lists every MFA strategy and whether it is on.
func (h *Handler) getStrategies(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Factors.Config(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, strategiesOut(c))
}

type strategyRequest struct {
	Strategy string `json:"strategy"`
	IsActive *bool  `json:"isActive"`
}

// saveStrategy turns one MFA strategy on or off for the environment (201).
func (h *Handler) saveStrategy(w http.ResponseWriter, r *http.Request) error {
	var req strategyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case !slices.Contains(factors.Strategies, req.Strategy):
		return iam.Invalid("strategy must be one of AuthenticatorApp, WebAuthnPlatform, WebAuthnCrossPlatform, SMS, EmailCode")
	case req.IsActive == nil:
		return iam.Invalid("isActive is required")
	}
	c, err := h.Factors.UpdateConfig(r.Context(), func(c *factors.Config) { c.SetActive(req.Strategy, *req.IsActive) })
	if err != nil {
		return err
	}
	return api.Created(w, strategiesOut(c))
}
