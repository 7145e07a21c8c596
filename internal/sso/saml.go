package sso

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// ACSPath is where IdPs post SAML responses: the same route the browser
// client posts {SAMLResponse, RelayState} to as JSON.
const ACSPath = "/identity/resources/auth/v1/user/saml/postlogin"

// spMetadataPath serves Hatch's SP metadata; with ?configurationId= it is
// also each configuration's SP entity id, so that the ACS can tell which
// configuration an IdP-initiated response is for.
const spMetadataPath = "/team/resources/sso/v1/saml/configurations/sp-metadata"

func (h *Handler) acsURL() string { return h.BaseURL + ACSPath }

// entityID is the SP entity id Hatch presents for configuration c.
func (h *Handler) entityID(c *store.SSOConfiguration) string {
	return h.BaseURL + spMetadataPath + "?configurationId=" + url.QueryEscape(c.ID)
}

// spKeyDocument is the settings document holding the environment's SAML SP
// key pair: the private key sealed, the self-signed certificate in PEM.
type spKeyDocument struct {
	PrivateKey  string `json:"privateKey"`
	Certificate string `json:"certificate"`
}

const (
	spKeySetting = "saml-sp-key"
	spKeyAAD     = "saml-sp-key"
)

// spKey returns the environment's SP signing key and certificate, creating
// them on first use. Nodes that race to create them agree on the one stored first.
func (h *Handler) spKey(ctx context.Context) (*rsa.PrivateKey, *x509.Certificate, error) {
	var doc spKeyDocument
	err := h.DB.FindSetting(ctx, "", spKeySetting, &doc)
	if errors.Is(err, iam.ErrNotFound) {
		created, cerr := h.newSPKey()
		if cerr != nil {
			return nil, nil, cerr
		}
		if cerr := h.DB.CreateSetting(ctx, "", spKeySetting, created, h.Now()); cerr != nil && !errors.Is(cerr, iam.ErrConflict) {
			return nil, nil, cerr
		}
		err = h.DB.FindSetting(ctx, "", spKeySetting, &doc)
	}
	if err != nil {
		return nil, nil, err
	}
	der, err := h.Sealer.Open(doc.PrivateKey, spKeyAAD)
	if err != nil {
		return nil, nil, fmt.Errorf("saml sp key: %w", err)
	}
	key, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, nil, fmt.Errorf("saml sp key: %w", err)
	}
	block, _ := pem.Decode([]byte(doc.Certificate))
	if block == nil {
		return nil, nil, errors.New("saml sp certificate: not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("saml sp certificate: %w", err)
	}
	return key, cert, nil
}

// newSPKey makes a 2048-bit RSA key and a ten-year self-signed certificate for it.
func (h *Handler) newSPKey() (*spKeyDocument, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	now := h.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "Hatch SAML service provider"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &spKeyDocument{
		PrivateKey:  h.Sealer.Seal(x509.MarshalPKCS1PrivateKey(key), spKeyAAD),
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
	}, nil
}

// clock adapts the handler's clock for crewjam/saml and goxmldsig, which
// check every time (issue instants, NotBefore/NotOnOrAfter, certificate
// validity) against it.
type clock struct {
	clockwork.Clock
	now func() time.Time
}

func (c clock) Now() time.Time                  { return c.now() }
func (c clock) Since(t time.Time) time.Duration { return c.now().Sub(t) }
func (c clock) Until(t time.Time) time.Duration { return t.Sub(c.now()) }

// serviceProvider returns the crewjam SP for configuration c, with ctx for
// the replay cache.
func (h *Handler) serviceProvider(ctx context.Context, c *store.SSOConfiguration) (*saml.ServiceProvider, error) {
	key, cert, err := h.spKey(ctx)
	if err != nil {
		return nil, err
	}
	acs, _ := url.Parse(h.acsURL())
	meta, _ := url.Parse(h.entityID(c))
	idp, err := idpDescriptor(c)
	if err != nil {
		return nil, err
	}
	sp := &saml.ServiceProvider{
		EntityID:                         h.entityID(c),
		Key:                              key,
		Certificate:                      cert,
		AcsURL:                           *acs,
		MetadataURL:                      *meta,
		IDPMetadata:                      idp,
		AllowIDPInitiated:                optionsOf(c).IdPInitiated,
		AuthnNameIDFormat:                saml.UnspecifiedNameIDFormat,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		Clock:                            dsig.NewFakeClock(clock{Clock: clockwork.NewRealClock(), now: h.Now}),
		ReplayCache:                      replayCache{ctx: ctx, db: h.DB, now: h.Now},
	}
	if c.SignRequest {
		sp.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return sp, nil
}

// replayCache remembers accepted assertion ids in the database until the
// assertion expires, so that a response is accepted once across every node.
type replayCache struct {
	ctx context.Context
	db  *store.DB
	now func() time.Time
}

func (c replayCache) Consume(assertionID string, expiresAt time.Time) error {
	err := c.db.UseSAMLAssertion(c.ctx, assertionID, expiresAt, c.now())
	if errors.Is(err, iam.ErrConflict) {
		return saml.ErrAssertionReplayed
	}
	return err
}

// idpDescriptor builds the IdP metadata crewjam checks responses against from
// c's stored entity id, SSO URL and certificates.
func idpDescriptor(c *store.SSOConfiguration) (*saml.EntityDescriptor, error) {
	var keys []saml.KeyDescriptor
	rest := []byte(c.PublicCertificate)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		keys = append(keys, saml.KeyDescriptor{Use: "signing", KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
			X509Certificates: []saml.X509Certificate{{Data: base64.StdEncoding.EncodeToString(block.Bytes)}}}}})
	}
	if len(keys) == 0 {
		return nil, iam.Invalid("The SSO configuration has no IdP certificate")
	}
	d := &saml.EntityDescriptor{EntityID: c.IdPEntityID}
	d.IDPSSODescriptors = []saml.IDPSSODescriptor{{
		SSODescriptor: saml.SSODescriptor{RoleDescriptor: saml.RoleDescriptor{
			ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol", KeyDescriptors: keys}},
		SingleSignOnServices: []saml.Endpoint{{Binding: saml.HTTPRedirectBinding, Location: c.SSOEndpoint}},
	}}
	return d, nil
}

// idpMetadata is what Hatch keeps of an IdP's metadata.
type idpMetadata struct {
	entityID, ssoURL, certificates string
}

// parseIdPMetadata reads an IdP's entity id, SSO URL (HTTP-Redirect binding
// preferred, HTTP-POST otherwise) and signing certificates from its metadata.
func parseIdPMetadata(raw []byte) (*idpMetadata, error) {
	d, err := samlsp.ParseMetadata(raw)
	if err != nil || len(d.IDPSSODescriptors) == 0 {
		return nil, iam.Invalid("metadata is not SAML identity provider metadata")
	}
	out := &idpMetadata{entityID: d.EntityID}
	var certs []string
	for _, desc := range d.IDPSSODescriptors {
		for _, binding := range []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding} {
			for _, ep := range desc.SingleSignOnServices {
				if ep.Binding == binding && out.ssoURL == "" {
					out.ssoURL = ep.Location
				}
			}
		}
		for _, kd := range desc.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
				certs = append(certs, xc.Data)
			}
		}
	}
	if out.ssoURL == "" {
		return nil, iam.Invalid("metadata names no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding")
	}
	pemCerts, err := normalizeCertificates(strings.Join(certs, "\n"))
	if err != nil || pemCerts == "" {
		return nil, iam.Invalid("metadata carries no valid signing certificate")
	}
	out.certificates = pemCerts
	return out, nil
}

// normalizeCertificates accepts certificates as PEM blocks or as bare base64
// DER (one per line, as in metadata) and returns them as PEM. An empty input
// is empty; anything that is not a certificate is a 400.
func normalizeCertificates(in string) (string, error) {
	in = strings.TrimSpace(in)
	if in == "" {
		return "", nil
	}
	var ders [][]byte
	if strings.Contains(in, "-----BEGIN") {
		rest := []byte(in)
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			ders = append(ders, block.Bytes)
		}
	} else {
		for _, part := range strings.Fields(strings.ReplaceAll(in, "\n", " ")) {
			der, err := base64.StdEncoding.DecodeString(part)
			if err != nil {
				ders = nil
				break
			}
			ders = append(ders, der)
		}
		if len(ders) != 1 { // base64 wrapped over several lines is one certificate
			der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in), ""))
			if err == nil {
				ders = [][]byte{der}
			}
		}
	}
	var b strings.Builder
	for _, der := range ders {
		if _, err := x509.ParseCertificate(der); err != nil {
			return "", iam.Invalid("publicCertificate is not a valid X.509 certificate")
		}
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	if b.Len() == 0 {
		return "", iam.Invalid("publicCertificate is not a valid X.509 certificate")
	}
	return b.String(), nil
}

// spMetadata answers Hatch's SP metadata XML for the configuration named by
// ?configurationId=, or else the account's first SAML configuration.
func (h *Handler) spMetadata(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := accountOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var c *store.SSOConfiguration
	if id := r.URL.Query().Get("configurationId"); id != "" {
		if c, err = h.DB.FindSSOConfiguration(ctx, tenantID, id); errors.Is(err, iam.ErrNotFound) {
			return errConfigNotFound
		} else if err != nil {
			return err
		}
	} else {
		cs, err := h.DB.FindSSOConfigurations(ctx, tenantID)
		if err != nil {
			return err
		}
		for _, x := range cs {
			if x.Type == typeSAML {
				c = x
				break
			}
		}
		if c == nil {
			return iam.NotFound("The account has no SAML configuration")
		}
	}
	key, cert, err := h.spKey(ctx)
	if err != nil {
		return err
	}
	acs, _ := url.Parse(h.acsURL())
	sp := &saml.ServiceProvider{EntityID: h.entityID(c), Key: key, Certificate: cert, AcsURL: *acs,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		Clock:                            dsig.NewFakeClock(clock{Clock: clockwork.NewRealClock(), now: h.Now})}
	out, err := xml.MarshalIndent(sp.Metadata(), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, err = w.Write(out)
	return err
}

type certificateResponse struct {
	Certificate string `json:"certificate"`
	Fingerprint string `json:"fingerprint"` // SHA-256 of the DER, hex with colons
}

// spCertificate answers the environment's SP certificate in PEM.
func (h *Handler) spCertificate(w http.ResponseWriter, r *http.Request) error {
	_, cert, err := h.spKey(r.Context())
	if err != nil {
		return err
	}
	sum := sha256.Sum256(cert.Raw)
	hex := make([]string, len(sum))
	for i, b := range sum {
		hex[i] = fmt.Sprintf("%02X", b)
	}
	return api.OK(w, certificateResponse{
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
		Fingerprint: strings.Join(hex, ":"),
	})
}

type vendorConfigResponse struct {
	ACSURL     string `json:"acsUrl"`
	SPEntityID string `json:"spEntityId"`
}

// vendorConfig answers the ACS URL and the SP entity id of the caller's
// account's first SAML configuration (the environment's base URL when it has none).
func (h *Handler) vendorConfig(w http.ResponseWriter, r *http.Request) error {
	out := vendorConfigResponse{ACSURL: h.acsURL(), SPEntityID: h.BaseURL}
	if tenantID := api.PrincipalFrom(r.Context()).TenantID; tenantID != "" {
		cs, err := h.DB.FindSSOConfigurations(r.Context(), tenantID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Type == typeSAML {
				out.SPEntityID = h.entityID(c)
				break
			}
		}
	}
	return api.OK(w, out)
}
