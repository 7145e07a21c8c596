package mfa_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

type policyJSON struct {
	ID                    string `json:"id"`
	EnforceMFAType        string `json:"enforceMFAType"`
	AllowRememberMyDevice bool   `json:"allowRememberMyDevice"`
	MFADeviceExpiration   int    `json:"mfaDeviceExpiration"`
	CreatedAt             string `json:"createdAt"`
}

func TestMFAPolicyRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		v := s.Vendor(t)
		acct := v.With("frontegg-tenant-id", f.tenant.TenantID)

		var env policyJSON
		v.Do(t, "GET", policy, nil).Want(t, 200).JSON(t, &env)
		if env.EnforceMFAType != "DontForce" || env.AllowRememberMyDevice || env.MFADeviceExpiration != 14*86400 || env.ID == "" {
			t.Fatalf("default policy: %+v", env)
		}
		tests := []struct {
			name   string
			body   map[string]any
			status int
			msg    string
		}{
			{"bad enforcement", map[string]any{"enforceMFAType": "Sometimes"}, 400, "enforceMFAType must be one of"},
			{"bad expiration", map[string]any{"mfaDeviceExpiration": 5}, 400, "mfaDeviceExpiration"},
			{"wrong type", map[string]any{"allowRememberMyDevice": "yes"}, 400, "allowRememberMyDevice"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v.Do(t, "POST", policy, tt.body).WantError(t, tt.status, tt.msg)
			})
		}
		v.Do(t, "POST", policy, map[string]any{"enforceMFAType": "ForceExceptSAML", "allowRememberMyDevice": true, "mfaDeviceExpiration": 86400}).
			Want(t, 201).JSON(t, &env)
		if env.EnforceMFAType != "ForceExceptSAML" || !env.AllowRememberMyDevice || env.MFADeviceExpiration != 86400 {
			t.Fatalf("created: %+v", env)
		}
		v.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).WantError(t, 409, "already exists")
		v.Do(t, "PATCH", policy, map[string]any{"mfaDeviceExpiration": 7200}).Want(t, 200).JSON(t, &env)
		if env.MFADeviceExpiration != 7200 || env.EnforceMFAType != "ForceExceptSAML" {
			t.Errorf("patched: %+v", env)
		}
		v.Do(t, "GET", policy+"/vendor", nil).Want(t, 200)

		// An account may be stricter than the environment, never looser.
		acct.Do(t, "GET", policy, nil).WantError(t, 404, "No MFA policy")
		acct.Do(t, "PATCH", policy, map[string]any{"enforceMFAType": "Force"}).WantError(t, 404, "No MFA policy")
		acct.Do(t, "POST", policy, map[string]any{"enforceMFAType": "DontForce"}).WantError(t, 400, "enforceMFAType cannot be looser")
		acct.Do(t, "POST", policy, map[string]any{"mfaDeviceExpiration": 86400}).WantError(t, 400, "mfaDeviceExpiration cannot be looser")
		var acc policyJSON
		acct.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force", "allowRememberMyDevice": false}).Want(t, 201).JSON(t, &acc)
		if acc.EnforceMFAType != "Force" || acc.AllowRememberMyDevice || acc.ID == env.ID {
			t.Errorf("account policy: %+v", acc)
		}
		acct.Do(t, "PUT", policy, map[string]any{"mfaDeviceExpiration": 3600}).Want(t, 200).JSON(t, &acc)
		if acc.MFADeviceExpiration != 3600 || acc.EnforceMFAType != "Force" {
			t.Errorf("put: %+v", acc)
		}
		acct.Do(t, "GET", policy, nil).Want(t, 200)
		v.With("frontegg-tenant-id", "nope").Do(t, "GET", policy, nil).WantError(t, 404, "Account")

		// The account's policy forces MFA on its users.
		ch := f.challenge(t, s.Anon())
		if *ch.MFAEnrolled {
			t.Error("unenrolled user reported enrolled")
		}
	})
}

func TestMFAPolicyNeedsPermission(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newFixture(t, s, "ada@example.com")
		c := f.signedIn(t)
		c.Do(t, "GET", policy, nil).WantError(t, 403, "Insufficient permissions")
		c.Do(t, "POST", policy, map[string]any{"enforceMFAType": "Force"}).WantError(t, 403, "Insufficient permissions")
		c.Do(t, "POST", config, map[string]any{}).WantError(t, 403, "")
		c.Do(t, "POST", config+"/strategies", map[string]any{"strategy": "SMS", "isActive": true}).WantError(t, 403, "")
		var st struct {
			Strategies []struct {
				Strategy string
				IsActive bool
			}
		}
		c.Do(t, "GET", config+"/strategies", nil).Want(t, 200).JSON(t, &st)
		if len(st.Strategies) != 5 {
			t.Errorf("strategies: %+v", st)
		}
	})
}

func TestMFAConfigRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		var cfg struct {
			AuthenticationApp struct {
				Active      bool
				ServiceName string
			}
			SMS struct {
				Active               bool
				TokenLifetimeSeconds int
			}
			Email struct {
				Active               bool
				TokenLifetimeSeconds int
				Sender               string
			}
		}
		v.Do(t, "GET", config, nil).Want(t, 200).JSON(t, &cfg)
		if !cfg.AuthenticationApp.Active || cfg.AuthenticationApp.ServiceName == "" || cfg.SMS.Active || cfg.Email.Active {
			t.Fatalf("defaults: %+v", cfg)
		}
		tests := []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"missing active", map[string]any{"sms": map[string]any{"tokenLifetimeSeconds": 60}}, "sms.active is required"},
			{"long lifetime", map[string]any{"sms": map[string]any{"active": true, "tokenLifetimeSeconds": 3600}}, "sms.tokenLifetimeSeconds"},
			{"empty service", map[string]any{"authenticationApp": map[string]any{"active": true, "serviceName": ""}}, "serviceName"},
			{"bad sender", map[string]any{"email": map[string]any{"active": true, "tokenLifetimeSeconds": 60, "sender": "nope"}}, "email.sender"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { v.Do(t, "POST", config, tt.body).WantError(t, 400, tt.msg) })
		}
		v.Do(t, "POST", config, map[string]any{
			"authenticationApp": map[string]any{"active": true, "serviceName": "Acme"},
			"email":             map[string]any{"active": true, "tokenLifetimeSeconds": 120, "sender": "mfa@acme.test"},
		}).Want(t, 201).JSON(t, &cfg)
		if cfg.AuthenticationApp.ServiceName != "Acme" || !cfg.Email.Active || cfg.Email.TokenLifetimeSeconds != 120 || cfg.SMS.Active {
			t.Fatalf("saved: %+v", cfg)
		}
		v.Do(t, "POST", config+"/strategies", map[string]any{"strategy": "Carrier pigeon", "isActive": true}).WantError(t, 400, "strategy must be one of")
		v.Do(t, "POST", config+"/strategies", map[string]any{"strategy": "SMS"}).WantError(t, 400, "isActive is required")
		v.Do(t, "POST", config+"/strategies", map[string]any{"strategy": "AuthenticatorApp", "isActive": false}).Want(t, 201)
		v.Do(t, "GET", config, nil).Want(t, 200).JSON(t, &cfg)
		if cfg.AuthenticationApp.Active {
			t.Error("the strategy route did not turn authenticator apps off")
		}

		// With authenticator apps off, none can be enrolled.
		f := newFixture(t, s, "ada@example.com")
		f.signedIn(t).Do(t, "POST", usersMFA+"/authenticator/enroll", nil).WantError(t, 403, "AuthenticatorApp")
	})
}
