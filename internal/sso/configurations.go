package sso

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Configuration types.
const (
	typeSAML = "saml"
	typeOIDC = "oidc"
)

// configRequest is CreateSSOConfigurationRequestDto. Every field is optional
// on PATCH; acsUrl and spEntityId are Hatch's and ignored when sent.
type configRequest struct {
	Enabled              *bool           `json:"enabled"`
	SSOEndpoint          *string         `json:"ssoEndpoint"`
	PublicCertificate    *string         `json:"publicCertificate"`
	SignRequest          *bool           `json:"signRequest"`
	Type                 *string         `json:"type"`
	OIDCClientID         *string         `json:"oidcClientId"`
	OIDCSecret           *string         `json:"oidcSecret"`
	ConfigMetadata       json.RawMessage `json:"configMetadata"`
	OverrideActiveTenant *bool           `json:"overrideActiveTenant"`
}

// configResponse is a configuration as the clients read it (ISSOConfiguration).
// The OIDC client secret is never returned.
type configResponse struct {
	ID                        string           `json:"id"`
	TenantID                  string           `json:"tenantId"`
	Enabled                   bool             `json:"enabled"`
	Type                      string           `json:"type"`
	SSOEndpoint               string           `json:"ssoEndpoint"`
	PublicCertificate         string           `json:"publicCertificate"`
	SignRequest               bool             `json:"signRequest"`
	ACSURL                    string           `json:"acsUrl"`
	SPEntityID                string           `json:"spEntityId"`
	IdPEntityID               string           `json:"idpEntityId,omitempty"`
	MetadataURL               string           `json:"metadataUrl,omitempty"`
	OIDCClientID              string           `json:"oidcClientId"`
	OIDCSecret                string           `json:"oidcSecret"`
	ConfigMetadata            json.RawMessage  `json:"configMetadata"`
	OverrideActiveTenant      bool             `json:"overrideActiveTenant"`
	GeneratedVerification     string           `json:"generatedVerification"`
	SkipEmailDomainValidation bool             `json:"skipEmailDomainValidation"`
	Domains                   []domainResponse `json:"domains"`
	RoleIDs                   []string         `json:"roleIds"`
	Groups                    []groupResponse  `json:"groups"`
	CreatedAt                 time.Time        `json:"createdAt"`
	UpdatedAt                 time.Time        `json:"updatedAt"`
}

func (h *Handler) configResponse(c *store.SSOConfiguration) configResponse {
	out := configResponse{
		ID: c.ID, TenantID: c.TenantID, Enabled: c.Enabled, Type: c.Type, SSOEndpoint: c.SSOEndpoint,
		PublicCertificate: c.PublicCertificate, SignRequest: c.SignRequest, ACSURL: h.acsURL(), SPEntityID: h.entityID(c),
		IdPEntityID: c.IdPEntityID, MetadataURL: c.MetadataURL, OIDCClientID: c.OIDCClientID,
		ConfigMetadata: json.RawMessage(c.ConfigMetadata), OverrideActiveTenant: c.OverrideActiveTenant,
		RoleIDs: c.RoleIDs, Domains: []domainResponse{}, Groups: []groupResponse{},
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	for _, d := range c.Domains {
		out.Domains = append(out.Domains, domainResponse{ID: d.ID, Domain: d.Domain, Validated: d.Validated, TXTRecord: d.TXTRecord})
	}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, groupResponse{ID: g.ID, Group: g.Name, RoleIDs: g.RoleIDs})
	}
	if len(c.Domains) > 0 {
		out.GeneratedVerification = c.Domains[0].TXTRecord
	}
	return out
}

// accountOf returns the account a management call acts on: the caller's
// active account, or the vendor's frontegg-tenant-id.
func accountOf(r *http.Request) (string, error) {
	if t := api.PrincipalFrom(r.Context()).TenantID; t != "" {
		return t, nil
	}
	return "", iam.Invalid("frontegg-tenant-id header is required")
}

var errConfigNotFound = iam.NotFound("SSO configuration not found")

// config loads the configuration named by the path's configurationId in the caller's account.
func (h *Handler) config(r *http.Request) (*store.SSOConfiguration, error) {
	tenantID, err := accountOf(r)
	if err != nil {
		return nil, err
	}
	c, err := h.DB.FindSSOConfiguration(r.Context(), tenantID, r.PathValue("configurationId"))
	if errors.Is(err, iam.ErrNotFound) {
		return nil, errConfigNotFound
	}
	return c, err
}

// listConfigurations answers the account's configurations.
func (h *Handler) listConfigurations(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	cs, err := h.DB.FindSSOConfigurations(r.Context(), tenantID)
	if err != nil {
		return err
	}
	out := make([]configResponse, 0, len(cs))
	for _, c := range cs {
		out = append(out, h.configResponse(c))
	}
	return api.OK(w, out)
}

// createConfiguration makes a configuration from fields entered by hand.
func (h *Handler) createConfiguration(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	var req configRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	now := h.Now()
	c := &store.SSOConfiguration{ID: uuid.NewString(), TenantID: tenantID, Type: typeSAML, Enabled: true,
		ConfigMetadata: "{}", CreatedAt: now, UpdatedAt: now}
	if err := h.apply(c, &req); err != nil {
		return err
	}
	return h.create(w, r, c)
}

// create stores a new configuration and answers it with 201.
func (h *Handler) create(w http.ResponseWriter, r *http.Request, c *store.SSOConfiguration) error {
	err := h.DB.CreateSSOConfiguration(r.Context(), c)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Account not found")
	}
	if err != nil {
		return err
	}
	return h.answer(w, r, c.TenantID, c.ID, http.StatusCreated)
}

// answer writes the stored configuration id with status.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, tenantID, id string, status int) error {
	c, err := h.DB.FindSSOConfiguration(r.Context(), tenantID, id)
	if err != nil {
		return err
	}
	return api.JSON(w, status, h.configResponse(c))
}

// updateConfiguration changes the fields sent.
func (h *Handler) updateConfiguration(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var req configRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := h.apply(c, &req); err != nil {
		return err
	}
	return h.save(w, r, c)
}

// save stores a changed configuration and answers it.
func (h *Handler) save(w http.ResponseWriter, r *http.Request, c *store.SSOConfiguration) error {
	c.UpdatedAt = h.Now()
	if err := h.DB.UpdateSSOConfiguration(r.Context(), c); errors.Is(err, iam.ErrNotFound) {
		return errConfigNotFound
	} else if err != nil {
		return err
	}
	return h.answer(w, r, c.TenantID, c.ID, http.StatusOK)
}

// deleteConfiguration removes a configuration with its domains, roles and groups.
func (h *Handler) deleteConfiguration(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	if err := h.DB.DeleteSSOConfiguration(r.Context(), tenantID, r.PathValue("configurationId")); errors.Is(err, iam.ErrNotFound) {
		return errConfigNotFound
	} else if err != nil {
		return err
	}
	return api.NoContent(w)
}

// apply validates req and copies the fields it sets onto c; on error c may be
// partly changed and must not be saved.
func (h *Handler) apply(c *store.SSOConfiguration, req *configRequest) error {
	if req.Type != nil {
		t := strings.ToLower(strings.TrimSpace(*req.Type))
		if t != typeSAML && t != typeOIDC {
			return iam.Invalid("type must be one of saml, oidc")
		}
		c.Type = t
	}
	if req.Enabled != nil {
		c.Enabled = *req.Enabled
	}
	if req.SignRequest != nil {
		c.SignRequest = *req.SignRequest
	}
	if req.OverrideActiveTenant != nil {
		c.OverrideActiveTenant = *req.OverrideActiveTenant
	}
	if req.SSOEndpoint != nil {
		c.SSOEndpoint = strings.TrimSpace(*req.SSOEndpoint)
	}
	if c.SSOEndpoint != "" {
		if err := checkURL("ssoEndpoint", c.SSOEndpoint, h.AllowInsecureURLs); err != nil {
			return err
		}
	}
	if req.PublicCertificate != nil {
		pem, err := normalizeCertificates(*req.PublicCertificate)
		if err != nil {
			return err
		}
		c.PublicCertificate = pem
	}
	if req.OIDCClientID != nil {
		c.OIDCClientID = strings.TrimSpace(*req.OIDCClientID)
	}
	if req.OIDCSecret != nil {
		c.OIDCSecret = ""
		if *req.OIDCSecret != "" {
			c.OIDCSecret = h.Sealer.Seal([]byte(*req.OIDCSecret), oidcSecretAAD(c.ID))
		}
	}
	if len(req.ConfigMetadata) > 0 && string(req.ConfigMetadata) != "null" {
		opts, err := parseOptions(req.ConfigMetadata)
		if err != nil {
			return err
		}
		c.ConfigMetadata = string(req.ConfigMetadata)
		if opts.IdPEntityID != "" {
			c.IdPEntityID = opts.IdPEntityID
		}
	}
	return nil
}

// oidcSecretAAD binds a sealed OIDC client secret to its configuration.
func oidcSecretAAD(configurationID string) string { return "sso-oidc-secret:" + configurationID }

// options are the settings Hatch reads from a configuration's configMetadata.
type options struct {
	// IdPInitiated accepts SAML responses the IdP sends unasked.
	IdPInitiated bool `json:"idpInitiated"`
	// EmailAttribute, NameAttribute and GroupsAttribute name the SAML
	// attributes (Name or FriendlyName) or OIDC claims to read; common
	// names are tried when they are empty.
	EmailAttribute  string `json:"emailAttribute"`
	NameAttribute   string `json:"nameAttribute"`
	GroupsAttribute string `json:"groupsAttribute"`
	// IdPEntityID is the IdP's entity id, for configurations entered by hand.
	IdPEntityID string `json:"idpEntityId"`
}

// parseOptions reads the options from configMetadata, a JSON object.
func parseOptions(raw json.RawMessage) (options, error) {
	var o options
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return o, iam.Invalid("configMetadata must be an object")
	}
	if v, ok := obj["idpInitiated"]; ok {
		var b bool
		var s string
		switch {
		case json.Unmarshal(v, &b) == nil:
			o.IdPInitiated = b
		case json.Unmarshal(v, &s) == nil && (s == "true" || s == "false"):
			o.IdPInitiated = s == "true"
		default:
			return o, iam.Invalid("configMetadata.idpInitiated must be a boolean")
		}
	}
	for name, dst := range map[string]*string{"emailAttribute": &o.EmailAttribute, "nameAttribute": &o.NameAttribute,
		"groupsAttribute": &o.GroupsAttribute, "idpEntityId": &o.IdPEntityID} {
		if v, ok := obj[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return o, iam.Invalid("configMetadata.%s must be a string", name)
			}
		}
	}
	return o, nil
}

// optionsOf returns c's options; stored metadata was validated when saved.
func optionsOf(c *store.SSOConfiguration) options {
	o, _ := parseOptions(json.RawMessage(c.ConfigMetadata))
	return o
}

type metadataRequest struct {
	Metadata       string          `json:"metadata"`
	URL            string          `json:"url"`
	ConfigMetadata json.RawMessage `json:"configMetadata"`
}

// readMetadataRequest reads the IdP metadata from the body: JSON
// {metadata, configMetadata?} as Frontegg's clients send it, or the XML file
// itself (Content-Type application/xml or text/xml).
func readMetadataRequest(r *http.Request) (*metadataRequest, error) {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if strings.Contains(ct, "xml") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, &iam.Error{Kind: iam.KindTooLarge, Message: "Request body is too large"}
			}
			return nil, iam.Invalid("Could not read the request body")
		}
		return &metadataRequest{Metadata: string(body)}, nil
	}
	var req metadataRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	return &req, nil
}

// createByMetadata makes a SAML configuration from IdP metadata XML.
func (h *Handler) createByMetadata(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	req, err := readMetadataRequest(r)
	if err != nil {
		return err
	}
	c := h.newSAMLConfiguration(tenantID)
	if err := h.applyMetadata(c, []byte(req.Metadata), "", req.ConfigMetadata); err != nil {
		return err
	}
	return h.create(w, r, c)
}

// updateByMetadata replaces a configuration's IdP settings with metadata XML.
func (h *Handler) updateByMetadata(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	req, err := readMetadataRequest(r)
	if err != nil {
		return err
	}
	if err := h.applyMetadata(c, []byte(req.Metadata), "", req.ConfigMetadata); err != nil {
		return err
	}
	return h.save(w, r, c)
}

// createByMetadataURL makes a SAML configuration from metadata Hatch fetches.
func (h *Handler) createByMetadataURL(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	var req metadataRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	c := h.newSAMLConfiguration(tenantID)
	if err := h.applyMetadataURL(r, c, &req); err != nil {
		return err
	}
	now := h.Now()
	c.CreatedAt, c.UpdatedAt = now, now
	err = h.DB.CreateSSOConfiguration(r.Context(), c)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Account not found")
	}
	if err != nil {
		return err
	}
	return h.answer(w, r, c.TenantID, c.ID, http.StatusOK)
}

// updateByMetadataURL refetches a configuration's IdP metadata from a URL.
func (h *Handler) updateByMetadataURL(w http.ResponseWriter, r *http.Request) error {
	c, err := h.config(r)
	if err != nil {
		return err
	}
	var req metadataRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := h.applyMetadataURL(r, c, &req); err != nil {
		return err
	}
	return h.save(w, r, c)
}

func (h *Handler) newSAMLConfiguration(tenantID string) *store.SSOConfiguration {
	now := h.Now()
	return &store.SSOConfiguration{ID: uuid.NewString(), TenantID: tenantID, Type: typeSAML, Enabled: true,
		ConfigMetadata: "{}", CreatedAt: now, UpdatedAt: now}
}

// applyMetadataURL fetches the metadata at req.URL and applies it to c.
func (h *Handler) applyMetadataURL(r *http.Request, c *store.SSOConfiguration, req *metadataRequest) error {
	req.URL = strings.TrimSpace(req.URL)
	if req.URL == "" {
		return iam.Invalid("url is required")
	}
	if err := checkURL("url", req.URL, h.AllowInsecureURLs); err != nil {
		return err
	}
	xml, err := h.fetchMetadata(r, req.URL)
	if err != nil {
		return err
	}
	return h.applyMetadata(c, xml, req.URL, req.ConfigMetadata)
}

// applyMetadata sets c's IdP entity id, SSO URL and certificates from IdP
// metadata XML, and its options from configMetadata when sent.
func (h *Handler) applyMetadata(c *store.SSOConfiguration, xml []byte, metadataURL string, configMetadata json.RawMessage) error {
	if len(strings.TrimSpace(string(xml))) == 0 {
		return iam.Invalid("metadata is required")
	}
	idp, err := parseIdPMetadata(xml)
	if err != nil {
		return err
	}
	c.Type, c.IdPEntityID, c.SSOEndpoint, c.PublicCertificate = typeSAML, idp.entityID, idp.ssoURL, idp.certificates
	c.IdPMetadata, c.MetadataURL = string(xml), metadataURL
	if len(configMetadata) > 0 && string(configMetadata) != "null" {
		if _, err := parseOptions(configMetadata); err != nil {
			return err
		}
		c.ConfigMetadata = string(configMetadata)
	}
	return nil
}
