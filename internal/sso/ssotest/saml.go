package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"
)

// SAMLIdP is a real SAML identity provider (crewjam/saml's) on loopback. It
// signs its responses with its own key; the user it logs in and the service
// providers it knows are set by the test. Its single sign-on URL is /sso
// (HTTP-Redirect binding), its metadata /metadata, and /initiate?sp=…
// starts an IdP-initiated login.
type SAMLIdP struct {
	*httptest.Server
	IDP  *saml.IdentityProvider
	Cert *x509.Certificate

	mu     sync.Mutex
	user   *saml.Session
	sps    map[string]*saml.EntityDescriptor
	offset time.Duration // added to the real clock: a negative offset makes stale responses
}

func newKeyPair(t testing.TB, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(48 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// StartSAML runs a SAML IdP until the test ends.
func StartSAML(t testing.TB) *SAMLIdP {
	t.Helper()
	key, cert := newKeyPair(t, "test idp")
	p := &SAMLIdP{sps: map[string]*saml.EntityDescriptor{}, Cert: cert}
	p.Server = httptest.NewServer(nil)
	base, _ := url.Parse(p.URL)
	p.IDP = &saml.IdentityProvider{
		Key: key, Certificate: cert, Logger: quietLogger{},
		MetadataURL:             *base.ResolveReference(&url.URL{Path: "/metadata"}),
		SSOURL:                  *base.ResolveReference(&url.URL{Path: "/sso"}),
		ServiceProviderProvider: p, SessionProvider: p,
		SignatureMethod: dsig.RSASHA256SignatureMethod,
		Clock:           dsig.NewFakeClock(offsetClock{Clock: clockwork.NewRealClock(), p: p}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metadata", p.IDP.ServeMetadata)
	mux.HandleFunc("/sso", p.IDP.ServeSSO)
	mux.HandleFunc("/initiate", func(w http.ResponseWriter, r *http.Request) {
		p.IDP.ServeIDPInitiated(w, r, r.URL.Query().Get("sp"), r.URL.Query().Get("RelayState"))
	})
	p.Config.Handler = mux
	t.Cleanup(p.Close)
	return p
}

// GetSession logs in the test's user (saml.SessionProvider).
func (p *SAMLIdP) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.user == nil {
		http.Error(w, "no user", http.StatusForbidden)
		return nil
	}
	s := *p.user
	s.ID, s.CreateTime, s.ExpireTime = "session-"+time.Now().String(), p.now(), p.now().Add(time.Hour)
	return &s
}

// GetServiceProvider returns a service provider the test registered
// (saml.ServiceProviderProvider).
func (p *SAMLIdP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.sps[id]; ok {
		return d, nil
	}
	return nil, os.ErrNotExist
}

func (p *SAMLIdP) now() time.Time { return time.Now().Add(p.offset) }

// SetUser makes the IdP log in email, member of groups.
func (p *SAMLIdP) SetUser(email, name string, groups ...string) {
	p.mu.Lock()
	p.user = &saml.Session{NameID: email, UserEmail: email, UserCommonName: name, Groups: groups,
		NameIDFormat: string(saml.EmailAddressNameIDFormat)}
	p.mu.Unlock()
}

// Trust registers SP metadata (as Hatch serves it) under id. Unless
// encrypt is set, the encryption key is left out, so the IdP sends its
// assertions in the clear.
func (p *SAMLIdP) Trust(t testing.TB, id string, metadata []byte, encrypt bool) *saml.EntityDescriptor {
	t.Helper()
	d, err := samlsp.ParseMetadata(metadata)
	if err != nil {
		t.Fatalf("sp metadata: %v\n%s", err, metadata)
	}
	if !encrypt {
		for i := range d.SPSSODescriptors {
			var keep []saml.KeyDescriptor
			for _, k := range d.SPSSODescriptors[i].KeyDescriptors {
				if k.Use == "signing" {
					keep = append(keep, k)
				}
			}
			d.SPSSODescriptors[i].KeyDescriptors = keep
		}
	}
	p.mu.Lock()
	p.sps[id] = d
	p.mu.Unlock()
	return d
}

// TrustCopy registers under id a copy of d with entity id and ACS location changed.
func (p *SAMLIdP) TrustCopy(id string, d *saml.EntityDescriptor, entityID, acs string) {
	raw, _ := xml.Marshal(d)
	var c saml.EntityDescriptor
	xml.Unmarshal(raw, &c)
	c.EntityID = entityID
	for i := range c.SPSSODescriptors {
		for j := range c.SPSSODescriptors[i].AssertionConsumerServices {
			c.SPSSODescriptors[i].AssertionConsumerServices[j].Location = acs
		}
	}
	p.mu.Lock()
	p.sps[id] = &c
	p.mu.Unlock()
}

// SetOffset moves the IdP's clock by d.
func (p *SAMLIdP) SetOffset(d time.Duration) {
	p.mu.Lock()
	p.offset = d
	p.mu.Unlock()
}

// Metadata returns the IdP's metadata XML.
func (p *SAMLIdP) Metadata(t testing.TB) string {
	t.Helper()
	_, body := Get(t, p.URL+"/metadata")
	return body
}

// Get fetches address without cookies and returns the status and body.
func Get(t testing.TB, address string) (int, string) {
	t.Helper()
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

// CertPEM is the IdP's signing certificate in PEM, as Hatch stores it.
func (p *SAMLIdP) CertPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert.Raw}))
}

var (
	actionRE = regexp.MustCompile(`action="([^"]*)"`)
	inputRE  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
)

// PostedForm reads the auto-submitting form an IdP answers with (the
// HTTP-POST binding): where it posts and its hidden fields (SAMLResponse,
// RelayState).
func PostedForm(body string) (action string, fields url.Values) {
	if m := actionRE.FindStringSubmatch(body); m != nil {
		action = html.UnescapeString(m[1])
	}
	fields = url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(body, -1) {
		fields.Set(m[1], html.UnescapeString(m[2]))
	}
	return action, fields
}

// offsetClock is the IdP's clock: the real one moved by the IdP's offset.
type offsetClock struct {
	clockwork.Clock
	p *SAMLIdP
}

func (c offsetClock) Now() time.Time {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return c.p.now()
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...interface{}) {}
func (quietLogger) Print(...interface{})          {}
func (quietLogger) Println(...interface{})        {}
func (quietLogger) Fatal(...interface{})          {}
func (quietLogger) Fatalf(string, ...interface{}) {}
func (quietLogger) Fatalln(...interface{})        {}
func (quietLogger) Panic(...interface{})          {}
func (quietLogger) Panicf(string, ...interface{}) {}
func (quietLogger) Panicln(...interface{})        {}
