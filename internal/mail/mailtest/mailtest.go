package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a Server. The zero value is a plain server without
// authentication.
type Options struct {
	Username, Password string   // when set, AUTH is required with these credentials
	Mechanisms         []string // offered mechanisms; default PLAIN and LOGIN
	STARTTLS           bool     // offer STARTTLS
	ImplicitTLS        bool     // TLS from the first byte (smtps)
}

// Message is a message the server accepted.
type Message struct {
	From      string   // envelope sender
	To        []string // envelope recipients
	Subject   string   // decoded
	Text      string   // decoded text/plain body, line breaks as "\n"
	HTML      string   // decoded text/html body, line breaks as "\n"
	MessageID string
	TLS       bool // the message came over an encrypted connection
	Header    mail.Header
	Raw       []byte

	taken bool
}

// Server is a running SMTP server. It stops when the test ends.
type Server struct {
	Addr string // 127.0.0.1:port

	opt   Options
	srv   *smtp.Server
	roots *x509.CertPool

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever something arrives
	messages []*Message
	attempts int
	failNext int
	failCode int
}

// Start starts a server on 127.0.0.1 with a free port.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	s := &Server{opt: opt, changed: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = true // loopback only
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opt.STARTTLS || opt.ImplicitTLS {
		cfg, roots, err := selfSigned()
		if err != nil {
			t.Fatal(err)
		}
		s.srv.TLSConfig, s.roots = cfg, roots
		if opt.ImplicitTLS {
			ln = tls.NewListener(ln, cfg)
		}
	}
	s.Addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL returns the server's address as Hatch's HATCH_SMTP_URL would name it.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if s.opt.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.opt.Username != "" {
		u.User = url.UserPassword(s.opt.Username, s.opt.Password)
	}
	return u.String()
}

// RootCAs returns the pool that trusts the server's certificate (nil without TLS).
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// FailNext makes the next n deliveries fail with 451, a temporary failure.
func (s *Server) FailNext(n int) { s.setFailure(n, 451) }

// RejectNext makes the next n deliveries fail with 554, a permanent failure.
func (s *Server) RejectNext(n int) { s.setFailure(n, 554) }

func (s *Server) setFailure(n, code int) {
	s.mu.Lock()
	s.failNext, s.failCode = n, code
	s.mu.Unlock()
}

// Attempts returns how many message bodies the server has received,
// accepted or failed.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Message(nil), s.messages...)
}

// MessagesTo returns every accepted message with rcpt among its envelope
// recipients (compared case-insensitively), oldest first.
func (s *Server) MessagesTo(rcpt string) []*Message {
	var out []*Message
	for _, m := range s.Messages() {
		if m.sentTo(rcpt) {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor returns the oldest message to rcpt that no earlier WaitFor
// returned, waiting up to timeout for one to arrive; it fails the test when
// none does.
func (s *Server) WaitFor(t testing.TB, rcpt string, timeout time.Duration) *Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			if !m.taken && m.sentTo(rcpt) {
				m.taken = true
				s.mu.Unlock()
				return m
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("mailtest: no message to %s within %s", rcpt, timeout)
			return nil
		}
	}
}

// WaitAttempts waits until the server has received at least n message
// bodies, failing the test after timeout.
func (s *Server) WaitAttempts(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := s.attempts, s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("mailtest: %d delivery attempts within %s, want %d", got, timeout, n)
			return
		}
	}
}

func (m *Message) sentTo(rcpt string) bool {
	for _, to := range m.To {
		if strings.EqualFold(to, rcpt) {
			return true
		}
	}
	return false
}

// receive records one delivery attempt and returns the reply to give.
func (s *Server) receive(from string, to []string, isTLS bool, raw []byte) error {
	s.mu.Lock()
	defer func() {
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}()
	s.attempts++
	if s.failNext > 0 {
		s.failNext--
		if s.failCode >= 500 {
			return &smtp.SMTPError{Code: s.failCode, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Rejected by mailtest"}
		}
		return &smtp.SMTPError{Code: s.failCode, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later (mailtest)"}
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message: " + err.Error()}
	}
	m.From, m.To, m.TLS = from, to, isTLS
	s.messages = append(s.messages, m)
	return nil
}

// parse decodes a message's subject and its text and HTML bodies.
func parse(raw []byte) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Message{Header: msg.Header, Raw: raw, MessageID: msg.Header.Get("Message-ID")}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, err
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		body, err := decodeBody(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return nil, err
		}
		m.setPart(mediaType, body)
		return m, nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable parts itself
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		partType, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		m.setPart(partType, string(body))
	}
}

func (m *Message) setPart(mediaType, body string) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	switch mediaType {
	case "text/plain":
		m.Text = body
	case "text/html":
		m.HTML = body
	}
}

func decodeBody(r io.Reader, encoding string) (string, error) {
	if strings.EqualFold(encoding, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

// session is one SMTP connection's transaction state.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *session) mustAuth() error {
	if ss.s.opt.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if err := ss.mustAuth(); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.mustAuth(); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	return ss.s.receive(ss.from, ss.to, isTLS, raw)
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// AuthMechanisms and Auth implement smtp.AuthSession.
func (ss *session) AuthMechanisms() []string {
	if ss.s.opt.Username == "" {
		return nil
	}
	if len(ss.s.opt.Mechanisms) > 0 {
		return ss.s.opt.Mechanisms
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != ss.s.opt.Username || password != ss.s.opt.Password {
			return errors.New("invalid username or password")
		}
		ss.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of the LOGIN mechanism, which go-sasl lacks.
type loginServer struct {
	step     int
	username string
	check    func(username, password string) error
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.username, l.step = string(response), 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}

// selfSigned makes a certificate for 127.0.0.1 and localhost and the pool that trusts it.
func selfSigned() (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}
	return cfg, roots, nil
}
