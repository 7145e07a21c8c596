package migration

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Source types, as named by their routes.
const (
	SourceAuth0      = "auth0"
	SourceCognito    = "cognito"
	SourceFirebase   = "firebase"
	SourceCustomCode = "custom-code"
	SourceFederation = "federation"
)

// Tenant resolver types of a source's tenantConfig: where a user it brings lands.
const (
	TenantDynamic    = "dynamic"     // the account id is a field of the user's profile (tenantIdFieldName)
	TenantStatic     = "static"      // every user joins tenantId
	TenantNew        = "new"         // every user gets an account of its own
	TenantFromSource = "from-source" // the HTTP source answers the account id
)

var resolversOf = map[string][]string{
	SourceAuth0:      {TenantDynamic, TenantStatic, TenantNew},
	SourceCognito:    {TenantDynamic, TenantStatic, TenantNew},
	SourceFirebase:   {TenantStatic, TenantNew},
	SourceCustomCode: {TenantNew, TenantFromSource},
	SourceFederation: {TenantDynamic, TenantStatic, TenantNew},
}

type tenantConfig struct {
	TenantResolverType string `json:"tenantResolverType"`
	TenantID           string `json:"tenantId,omitempty"`
	TenantIDFieldName  string `json:"tenantIdFieldName,omitempty"`
}

type oauth2Config struct {
	AuthorizationURL string   `json:"authorizationUrl"`
	TokenURL         string   `json:"tokenUrl"`
	UserInfoURL      string   `json:"userInfoUrl"`
	Scopes           []string `json:"scopes,omitempty"`
	GrantTypes       []string `json:"grantTypes,omitempty"`
}

// serviceAccount is a Google service account key; its private_key is a secret.
type serviceAccount struct {
	Type                    string `json:"type"`
	ProjectID               string `json:"project_id"`
	PrivateKeyID            string `json:"private_key_id"`
	PrivateKey              string `json:"private_key,omitempty"`
	ClientEmail             string `json:"client_email"`
	ClientID                string `json:"client_id"`
	AuthURI                 string `json:"auth_uri"`
	TokenURI                string `json:"token_uri"`
	AuthProviderX509CertURL string `json:"auth_provider_x509_cert_url"`
	ClientX509CertURL       string `json:"client_x509_cert_url"`
	UniverseDomain          string `json:"universe_domain"`
}

// sourceConfig is a source's configuration as stored and answered: every
// field but the secrets.
type sourceConfig struct {
	SyncOnLogin        bool            `json:"syncOnLogin"`
	IsMigrated         bool            `json:"isMigrated"`
	Domain             string          `json:"domain,omitempty"`   // auth0
	ClientID           string          `json:"clientId,omitempty"` // auth0, cognito, federation
	Region             string          `json:"region,omitempty"`   // cognito
	UserPoolID         string          `json:"userPoolId,omitempty"`
	AccessKeyID        string          `json:"accessKeyId,omitempty"`
	ServiceAccount     *serviceAccount `json:"serviceAccount,omitempty"` // firebase, without private_key
	CodePayload        string          `json:"codePayload,omitempty"`    // custom-code: the HTTP source's URL
	GetUserCodePayload string          `json:"getUserCodePayload,omitempty"`
	WellknownURL       string          `json:"wellknownUrl,omitempty"` // federation
	OAuth2Config       *oauth2Config   `json:"oauth2Config,omitempty"`
	// Endpoint replaces the public endpoint of Cognito or Firebase (Hatch's
	// addition, for their local emulators).
	Endpoint     string       `json:"endpoint,omitempty"`
	TenantConfig tenantConfig `json:"tenantConfig"`
}

// sourceSecrets are the secret fields of a configuration, sealed at rest.
type sourceSecrets struct {
	Secret          string `json:"secret,omitempty"`          // auth0, federation; custom-code: bearer token sent to the URL
	SecretAccessKey string `json:"secretAccessKey,omitempty"` // cognito
	ClientSecret    string `json:"clientSecret,omitempty"`    // cognito
	APIKey          string `json:"apiKey,omitempty"`          // firebase
	PrivateKey      string `json:"privateKey,omitempty"`      // firebase service account
}

// configInput is a configuration as a request carries it: both parts.
type configInput struct {
	sourceConfig
	sourceSecrets
	SyncOnLogin *bool `json:"syncOnLogin"`
	IsMigrated  *bool `json:"isMigrated"`
}

type sourceRequest struct {
	Name          *string          `json:"name"`
	Configuration *json.RawMessage `json:"configuration"`
	AppIDs        []string         `json:"appIds"`
	Index         *float64         `json:"index"`
	Description   *string          `json:"description"`
}

type sourceResponse struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	Description   string        `json:"description"`
	AppIDs        []string      `json:"appIds"`
	Index         int           `json:"index"`
	Configuration *sourceConfig `json:"configuration,omitempty"`
	UsersCount    *int          `json:"usersCount,omitempty"`
}

func toSourceResponse(s *store.UserSource, withConfig bool) (sourceResponse, error) {
	res := sourceResponse{ID: s.ID, Name: s.Name, Type: s.Type, Description: s.Description, AppIDs: s.AppIDs, Index: s.Index}
	if withConfig {
		var cfg sourceConfig
		if err := json.Unmarshal([]byte(s.Config), &cfg); err != nil {
			return res, err
		}
		res.Configuration = &cfg
	}
	return res, nil
}

// sourceAAD binds a source's sealed secrets to the source.
func sourceAAD(id string) string { return "user-source:" + id }

// createSource returns the handler creating a source of typ (201).
func (h *Handler) createSource(typ string) api.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req sourceRequest
		if err := api.Decode(r, &req); err != nil {
			return err
		}
		switch {
		case req.Name == nil || strings.TrimSpace(*req.Name) == "":
			return iam.Invalid("name is required")
		case req.Configuration == nil:
			return iam.Invalid("configuration is required")
		case req.Index == nil:
			return iam.Invalid("index is required")
		}
		ctx := r.Context()
		cfg, secrets, err := h.parseConfig(ctx, typ, *req.Configuration, nil)
		if err != nil {
			return err
		}
		now := h.Now()
		s := &store.UserSource{ID: uuid.NewString(), Name: strings.TrimSpace(*req.Name), Type: typ, Index: int(*req.Index),
			AppIDs: cleanIDs(req.AppIDs), CreatedAt: now, UpdatedAt: now}
		if req.Description != nil {
			s.Description = *req.Description
		}
		if err := h.sealConfig(s, cfg, secrets); err != nil {
			return err
		}
		if err := h.DB.CreateUserSource(ctx, s); err != nil {
			return err
		}
		res, _ := toSourceResponse(s, false)
		return api.Created(w, res)
	}
}

// updateSource returns the handler updating a source of typ: the fields
// given replace the stored ones; secrets left empty keep their stored value.
func (h *Handler) updateSource(typ string) api.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req sourceRequest
		if err := api.Decode(r, &req); err != nil {
			return err
		}
		ctx := r.Context()
		s, err := h.findSource(ctx, r.PathValue("id"))
		if err != nil {
			return err
		}
		if s.Type != typ {
			return iam.NotFound("%s user source %s not found", typ, s.ID)
		}
		if req.Name != nil {
			if strings.TrimSpace(*req.Name) == "" {
				return iam.Invalid("name must not be empty")
			}
			s.Name = strings.TrimSpace(*req.Name)
		}
		if req.Description != nil {
			s.Description = *req.Description
		}
		if req.Index != nil {
			s.Index = int(*req.Index)
		}
		if req.Configuration != nil {
			old, err := h.openSecrets(s)
			if err != nil {
				return err
			}
			cfg, secrets, err := h.parseConfig(ctx, typ, *req.Configuration, old)
			if err != nil {
				return err
			}
			if err := h.sealConfig(s, cfg, secrets); err != nil {
				return err
			}
		}
		s.UpdatedAt = h.Now()
		if err := h.DB.UpdateUserSource(ctx, s); err != nil {
			return err
		}
		res, err := toSourceResponse(s, true)
		if err != nil {
			return err
		}
		return api.OK(w, res)
	}
}

func (h *Handler) sealConfig(s *store.UserSource, cfg *sourceConfig, secrets *sourceSecrets) error {
	c, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	sec, err := json.Marshal(secrets)
	if err != nil {
		return err
	}
	s.Config, s.Secrets = string(c), h.Sealer.Seal(sec, sourceAAD(s.ID))
	return nil
}

func (h *Handler) openSecrets(s *store.UserSource) (*sourceSecrets, error) {
	return openSourceSecrets(h.Sealer.Open, s)
}

func openSourceSecrets(open func(sealed, aad string) ([]byte, error), s *store.UserSource) (*sourceSecrets, error) {
	var out sourceSecrets
	if s.Secrets == "" {
		return &out, nil
	}
	raw, err := open(s.Secrets, sourceAAD(s.ID))
	if err != nil {
		return nil, err
	}
	return &out, json.Unmarshal(raw, &out)
}

// parseConfig checks a configuration for a source of typ and splits it into
// its stored part and its secrets; old secrets fill in those left empty.
func (h *Handler) parseConfig(ctx context.Context, typ string, raw json.RawMessage, old *sourceSecrets) (*sourceConfig, *sourceSecrets, error) {
	var in configInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, nil, iam.Invalid("configuration must be an object of the %s source's fields", typ)
	}
	if in.ServiceAccount != nil && in.ServiceAccount.PrivateKey != "" {
		in.PrivateKey = in.ServiceAccount.PrivateKey
	}
	if old != nil {
		fillSecrets(&in.sourceSecrets, old)
	}
	cfg, sec := in.sourceConfig, in.sourceSecrets
	if in.SyncOnLogin == nil {
		return nil, nil, iam.Invalid("configuration.syncOnLogin is required")
	}
	cfg.SyncOnLogin = *in.SyncOnLogin
	cfg.IsMigrated = true // federation has no isMigrated: its users are migrated
	if typ != SourceFederation {
		if in.IsMigrated == nil {
			return nil, nil, iam.Invalid("configuration.isMigrated is required")
		}
		cfg.IsMigrated = *in.IsMigrated
	}
	required := map[string][]struct{ name, value string }{
		SourceAuth0: {{"domain", cfg.Domain}, {"clientId", cfg.ClientID}, {"secret", sec.Secret}},
		SourceCognito: {{"region", cfg.Region}, {"clientId", cfg.ClientID}, {"userPoolId", cfg.UserPoolID},
			{"accessKeyId", cfg.AccessKeyID}, {"secretAccessKey", sec.SecretAccessKey}},
		SourceFirebase:   {{"apiKey", sec.APIKey}},
		SourceCustomCode: {{"codePayload", cfg.CodePayload}},
		SourceFederation: {{"clientId", cfg.ClientID}, {"secret", sec.Secret}},
	}[typ]
	for _, f := range required {
		if strings.TrimSpace(f.value) == "" {
			return nil, nil, iam.Invalid("configuration.%s is required", f.name)
		}
	}
	switch typ {
	case SourceFirebase:
		if cfg.ServiceAccount == nil || cfg.ServiceAccount.ProjectID == "" || cfg.ServiceAccount.ClientEmail == "" || sec.PrivateKey == "" {
			return nil, nil, iam.Invalid("configuration.serviceAccount must be the project's service account key (project_id, client_email, private_key, …)")
		}
		cfg.ServiceAccount.PrivateKey = ""
	case SourceCustomCode:
		// Hatch runs no code: a custom-code source is its generic HTTP source,
		// and codePayload is the URL Hatch posts the credentials to.
		if !httpURL(cfg.CodePayload) {
			return nil, nil, iam.Invalid("configuration.codePayload must be the http(s) URL of the endpoint that checks credentials: Hatch does not run code")
		}
		if cfg.GetUserCodePayload != "" && !httpURL(cfg.GetUserCodePayload) {
			return nil, nil, iam.Invalid("configuration.getUserCodePayload must be an http(s) URL")
		}
	case SourceFederation:
		if cfg.WellknownURL == "" && cfg.OAuth2Config == nil {
			return nil, nil, iam.Invalid("configuration.wellknownUrl or configuration.oauth2Config is required")
		}
		if cfg.WellknownURL != "" && !httpURL(cfg.WellknownURL) {
			return nil, nil, iam.Invalid("configuration.wellknownUrl must be an http(s) URL")
		}
		if o := cfg.OAuth2Config; o != nil && (!httpURL(o.AuthorizationURL) || !httpURL(o.TokenURL) || !httpURL(o.UserInfoURL)) {
			return nil, nil, iam.Invalid("configuration.oauth2Config needs authorizationUrl, tokenUrl and userInfoUrl as http(s) URLs")
		}
	}
	if cfg.Endpoint != "" && !httpURL(cfg.Endpoint) {
		return nil, nil, iam.Invalid("configuration.endpoint must be an http(s) URL")
	}
	if err := h.checkTenantConfig(ctx, typ, &cfg.TenantConfig); err != nil {
		return nil, nil, err
	}
	return &cfg, &sec, nil
}

func fillSecrets(s, old *sourceSecrets) {
	for _, f := range []struct {
		dst *string
		old string
	}{{&s.Secret, old.Secret}, {&s.SecretAccessKey, old.SecretAccessKey},
		{&s.ClientSecret, old.ClientSecret}, {&s.APIKey, old.APIKey}, {&s.PrivateKey, old.PrivateKey}} {
		if *f.dst == "" {
			*f.dst = f.old
		}
	}
}

func (h *Handler) checkTenantConfig(ctx context.Context, typ string, t *tenantConfig) error {
	allowed := resolversOf[typ]
	if !slices.Contains(allowed, t.TenantResolverType) {
		return iam.Invalid("configuration.tenantConfig.tenantResolverType must be one of %s", strings.Join(allowed, ", "))
	}
	switch t.TenantResolverType {
	case TenantStatic:
		if t.TenantID == "" {
			return iam.Invalid("configuration.tenantConfig.tenantId is required")
		}
		if _, err := h.DB.FindTenant(ctx, t.TenantID); err != nil {
			if isNotFound(err) {
				return iam.NotFound("Tenant %s not found", t.TenantID)
			}
			return err
		}
		t.TenantIDFieldName = ""
	case TenantDynamic:
		if t.TenantIDFieldName == "" {
			return iam.Invalid("configuration.tenantConfig.tenantIdFieldName is required")
		}
		t.TenantID = ""
	default:
		t.TenantID, t.TenantIDFieldName = "", ""
	}
	return nil
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func cleanIDs(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (h *Handler) findSource(ctx context.Context, id string) (*store.UserSource, error) {
	s, err := h.DB.FindUserSource(ctx, id)
	if isNotFound(err) {
		return nil, iam.NotFound("User source %s not found", id)
	}
	return s, err
}

func (h *Handler) listSources(w http.ResponseWriter, r *http.Request) error {
	sources, err := h.DB.FindUserSources(r.Context())
	if err != nil {
		return err
	}
	out := make([]sourceResponse, len(sources))
	for i, s := range sources {
		if out[i], err = toSourceResponse(s, true); err != nil {
			return err
		}
		out[i].UsersCount = &s.UsersCount
	}
	return api.OK(w, out)
}

func (h *Handler) getSource(w http.ResponseWriter, r *http.Request) error {
	s, err := h.findSource(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	res, err := toSourceResponse(s, true)
	if err != nil {
		return err
	}
	return api.OK(w, res)
}

func (h *Handler) deleteSource(w http.ResponseWriter, r *http.Request) error {
	if err := h.DB.DeleteUserSource(r.Context(), r.PathValue("id")); err != nil {
		if isNotFound(err) {
			return iam.NotFound("User source %s not found", r.PathValue("id"))
		}
		return err
	}
	return api.NoContent(w)
}

type assignRequest struct {
	AppIDs       []string `json:"appIds"`
	UserSourceID string   `json:"userSourceId"`
}

func (h *Handler) assignSource(w http.ResponseWriter, r *http.Request) error {
	return h.assignment(w, r, h.DB.AssignUserSource)
}

func (h *Handler) unassignSource(w http.ResponseWriter, r *http.Request) error {
	return h.assignment(w, r, h.DB.UnassignUserSource)
}

// assignment checks an assign or unassign request and applies it (201).
func (h *Handler) assignment(w http.ResponseWriter, r *http.Request, apply func(context.Context, string, []string) error) error {
	var req assignRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ids := cleanIDs(req.AppIDs)
	switch {
	case strings.TrimSpace(req.UserSourceID) == "":
		return iam.Invalid("userSourceId is required")
	case len(ids) == 0:
		return iam.Invalid("appIds must be a non-empty array")
	}
	if err := apply(r.Context(), req.UserSourceID, ids); err != nil {
		if isNotFound(err) {
			return iam.NotFound("User source %s not found", req.UserSourceID)
		}
		return err
	}
	return api.JSON(w, http.StatusCreated, nil)
}

type sourceUser struct {
	Email     string  `json:"email"`
	LastLogin *string `json:"lastLogin"`
}

type sourceUsersResponse struct {
	api.List[sourceUser]
	Links map[string]string `json:"_links"`
}

// sourceUsers lists the users a source brought (paged with _limit and _offset).
func (h *Handler) sourceUsers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := api.ParsePaging(r, 20)
	if err != nil {
		return err
	}
	s, err := h.findSource(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	users, total, err := h.DB.FindSourceUsers(ctx, s.ID, store.Page{Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return err
	}
	items := make([]sourceUser, len(users))
	for i, u := range users {
		items[i] = sourceUser{Email: u.Email}
		if u.LastLogin != nil {
			t := u.LastLogin.Format("2006-01-02T15:04:05.000Z07:00")
			items[i].LastLogin = &t
		}
	}
	return api.OK(w, sourceUsersResponse{List: api.NewList(items, total, p.Limit), Links: pageLinks(r, p, total)})
}

// pageLinks builds the _links of an offset-paged list.
func pageLinks(r *http.Request, p api.Paging, total int) map[string]string {
	link := func(offset int) string {
		q := r.URL.Query()
		q.Set("_offset", strconv.Itoa(max(offset, 0)))
		q.Set("_limit", strconv.Itoa(p.Limit))
		return r.URL.Path + "?" + q.Encode()
	}
	last := 0
	if p.Limit > 0 && total > 0 {
		last = (total - 1) / p.Limit * p.Limit
	}
	links := map[string]string{"first": link(0), "last": link(last), "prev": "", "next": ""}
	if p.Offset > 0 {
		links["prev"] = link(p.Offset - p.Limit)
	}
	if p.Offset+p.Limit < total {
		links["next"] = link(p.Offset + p.Limit)
	}
	return links
}
