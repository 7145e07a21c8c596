package sso_test

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
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	"github.com/jonboulle/clockwork"
	"github.com/miekg/dns"
	dsig "github.com/russellhaering/goxmldsig"
)

// testIdP is a real SAML identity provider (crewjam/saml's) on loopback. It
// signs its responses with its own key; the user it logs in and the service
// providers it knows are set by the test.
type testIdP struct {
	*httptest.Server
	IDP *saml.IdentityProvider

	mu     sync.Mutex
	user   *saml.Session
	sps    map[string]*saml.EntityDescriptor
	offset time.Duration // added to the real clock: a negative offset makes stale responses
	Cert   *x509.Certificate
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

func startIdP(t testing.TB) *testIdP {
	t.Helper()
	key, cert := newKeyPair(t, "test idp")
	p := &testIdP{sps: map[string]*saml.EntityDescriptor{}, Cert: cert}
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

// GetSession logs in the test's user.
func (p *testIdP) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
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

func (p *testIdP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.sps[id]; ok {
		return d, nil
	}
	return nil, os.ErrNotExist
}

func (p *testIdP) now() time.Time { return time.Now().Add(p.offset) }

// setUser makes the IdP log in email, member of groups.
func (p *testIdP) setUser(email, name string, groups ...string) {
	p.mu.Lock()
	p.user = &saml.Session{NameID: email, UserEmail: email, UserCommonName: name, Groups: groups,
		NameIDFormat: string(saml.EmailAddressNameIDFormat)}
	p.mu.Unlock()
}

// trust registers SP metadata (as Hatch serves it) under id. Unless
// encrypt is set, the encryption key is left out, so the IdP sends its
// assertions in the clear.
func (p *testIdP) trust(t testing.TB, id string, metadata []byte, encrypt bool) *saml.EntityDescriptor {
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

// trustCopy registers under id a copy of d with entity id and ACS location changed.
func (p *testIdP) trustCopy(id string, d *saml.EntityDescriptor, entityID, acs string) {
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

func (p *testIdP) setOffset(d time.Duration) {
	p.mu.Lock()
	p.offset = d
	p.mu.Unlock()
}

func (p *testIdP) metadata(t testing.TB) string {
	t.Helper()
	resp, err := http.Get(p.URL + "/metadata")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// browse follows the IdP address as a browser would and returns the
// SAMLResponse and RelayState of the auto-submitting form the IdP answers with.
func browse(t testing.TB, address string) (samlResponse, relayState, action string) {
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
	body := string(raw)
	if resp.StatusCode != 200 {
		t.Fatalf("idp answered %d: %s", resp.StatusCode, body)
	}
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	if m := regexp.MustCompile(`action="([^"]*)"`).FindStringSubmatch(body); m != nil {
		action = html.UnescapeString(m[1])
	}
	samlResponse = field("SAMLResponse")
	if samlResponse == "" {
		t.Fatalf("no SAMLResponse in the idp's answer: %s", body)
	}
	return samlResponse, field("RelayState"), action
}

// offsetClock is the IdP's clock: the real one moved by the IdP's offset.
type offsetClock struct {
	clockwork.Clock
	p *testIdP
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

// dnsServer answers TXT queries on loopback from a map the test fills.
type dnsServer struct {
	Addr string
	mu   sync.Mutex
	txt  map[string][]string
}

func startDNS(t testing.TB) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &dnsServer{Addr: pc.LocalAddr().String(), txt: map[string][]string{}}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		d.mu.Lock()
		for _, q := range req.Question {
			if q.Qtype != dns.TypeTXT {
				continue
			}
			for _, v := range d.txt[strings.TrimSuffix(strings.ToLower(q.Name), ".")] {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{v}})
			}
		}
		d.mu.Unlock()
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return d
}

func (d *dnsServer) set(name string, values ...string) {
	d.mu.Lock()
	d.txt[name] = values
	d.mu.Unlock()
}

// certPEM is the IdP's signing certificate in PEM, as Hatch stores it.
func certPEM(p *testIdP) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert.Raw}))
}
