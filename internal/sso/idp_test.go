package sso_test

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/hatchid/hatch/internal/sso/ssotest"
)

// browse follows the IdP address as a browser would and returns the
// SAMLResponse and RelayState of the auto-submitting form the IdP answers with.
func browse(t testing.TB, address string) (samlResponse, relayState, action string) {
	t.Helper()
	status, raw := ssotest.Get(t, address)
	if status != 200 {
		t.Fatalf("idp answered %d: %s", status, raw)
	}
	action, fields := ssotest.PostedForm(raw)
	if fields.Get("SAMLResponse") == "" {
		t.Fatalf("no SAMLResponse in the idp's answer: %s", raw)
	}
	return fields.Get("SAMLResponse"), fields.Get("RelayState"), action
}

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
