package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// Auth0 is reached through its documented APIs: the client-credentials grant
// and GET /api/v2/users of the Management API for migrations, and the
// resource-owner password grant with /userinfo for the Auth0 user source.

// auth0Client calls one Auth0 tenant as one application.
type auth0Client struct {
	http     *http.Client
	base     string // https://{domain}
	clientID string
	secret   string
}

// auth0Base turns an Auth0 domain ("acme.eu.auth0.com") into its base URL;
// a domain given with its scheme (a custom domain, or a test server) is kept.
func auth0Base(domain string) string {
	domain = strings.TrimRight(strings.TrimSpace(domain), "/")
	if strings.HasPrefix(domain, "https://") || strings.HasPrefix(domain, "http://") {
		return domain
	}
	return "https://" + domain
}

// auth0User is the part of Auth0's user object Hatch migrates.
type auth0User struct {
	UserID        string         `json:"user_id"`
	Email         string         `json:"email"`
	EmailVerified bool           `json:"email_verified"`
	Name          string         `json:"name"`
	Username      string         `json:"username"`
	Picture       string         `json:"picture"`
	PhoneNumber   string         `json:"phone_number"`
	AppMetadata   map[string]any `json:"app_metadata"`
	UserMetadata  map[string]any `json:"user_metadata"`
}

// managementToken gets a Management API token with the client-credentials grant.
func (c *auth0Client) managementToken(ctx context.Context) (string, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body := map[string]string{"grant_type": "client_credentials", "client_id": c.clientID, "client_secret": c.secret,
		"audience": c.base + "/api/v2/"}
	if err := postJSON(ctx, c.http, c.base+"/oauth/token", nil, body, &tok); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("auth0 token response has no access_token")
	}
	return tok.AccessToken, nil
}

// auth0PageSize and auth0MaxUsers follow Auth0's documented limits of
// GET /api/v2/users: 100 users a page and 1,000 users in all through paging
// (larger tenants need Auth0's bulk user export).
const (
	auth0PageSize = 100
	auth0MaxUsers = 1000
)

// listUsers pages through GET /api/v2/users.
func (c *auth0Client) listUsers(ctx context.Context, token string) ([]auth0User, error) {
	var all []auth0User
	for page := 0; page*auth0PageSize < auth0MaxUsers; page++ {
		var res struct {
			Users []auth0User `json:"users"`
			Total int         `json:"total"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(auth0PageSize)}, "include_totals": {"true"}}
		if err := getJSON(ctx, c.http, c.base+"/api/v2/users?"+q.Encode(), token, &res); err != nil {
			return nil, err
		}
		all = append(all, res.Users...)
		if len(res.Users) < auth0PageSize || len(all) >= res.Total {
			return all, nil
		}
	}
	return all, nil
}

type auth0MigrationRequest struct {
	Domain                   string `json:"domain"`
	ClientID                 string `json:"clientId"`
	Secret                   string `json:"secret"`
	TenantIDFieldName        string `json:"tenantIdFieldName"`
	IsTenantIDOnUserMetadata bool   `json:"isTenantIdOnUserMetadata"`
}

// migrateFromAuth0 reads the users of an Auth0 tenant through its Management
// API and queues them as a bulk migration (201 with the migrationId, whose
// progress the bulk status route tells). Each user's account id is read from
// app_metadata (or user_metadata) at tenantIdFieldName. Auth0 does not hand out
// password hashes through its API: these users sign in through an Auth0 user
// source, or reset their password.
func (h *Handler) migrateFromAuth0(w http.ResponseWriter, r *http.Request) error {
	var req auth0MigrationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"domain", req.Domain}, {"clientId", req.ClientID},
		{"secret", req.Secret}, {"tenantIdFieldName", req.TenantIDFieldName}} {
		if strings.TrimSpace(f.value) == "" {
			return iam.Invalid("%s is required", f.name)
		}
	}
	ctx := r.Context()
	c := &auth0Client{http: h.HTTP, base: auth0Base(req.Domain), clientID: req.ClientID, secret: req.Secret}
	token, err := c.managementToken(ctx)
	if err != nil {
		return &iam.Error{Kind: iam.KindInvalid, Message: "Auth0 refused the client credentials", Err: err}
	}
	users, err := c.listUsers(ctx, token)
	if err != nil {
		return &iam.Error{Kind: iam.KindInvalid, Message: "Auth0 users could not be read (the application needs read:users)", Err: err}
	}
	payloads := make([]string, len(users))
	for i, u := range users {
		meta := u.AppMetadata
		if req.IsTenantIDOnUserMetadata {
			meta = u.UserMetadata
		}
		row := userRow{Email: u.Email, Name: u.Name, Username: u.Username, ProfilePictureURL: u.Picture, ExternalID: u.UserID,
			TenantID: stringField(meta, req.TenantIDFieldName), VerifyUser: &u.EmailVerified}
		if validPhone(u.PhoneNumber) {
			row.PhoneNumber = u.PhoneNumber
		}
		if len(u.UserMetadata) > 0 {
			b, _ := json.Marshal(u.UserMetadata)
			row.Metadata = jsonText(b)
		}
		b, _ := json.Marshal(row)
		payloads[i] = string(b)
	}
	if len(payloads) == 0 {
		return iam.Invalid("the Auth0 tenant has no users to migrate")
	}
	id, err := h.enqueue(ctx, KindUsers, payloads)
	if err != nil {
		return err
	}
	return api.Created(w, migrationIDResponse{MigrationID: id})
}

// stringField returns m[name] as a string (numbers too), or "".
func stringField(m map[string]any, name string) string {
	switch v := m[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}
