package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// DefaultTimeout bounds one whole delivery: connecting, TLS, authentication
// and the transfer.
const DefaultTimeout = 30 * time.Second

// Sender delivers messages to one SMTP server.
type Sender struct {
	Addr        string // host:port
	Host        string // the server's name, checked against its certificate
	ImplicitTLS bool   // smtps: TLS from the first byte; otherwise STARTTLS when offered
	Username    string // empty: no authentication
	Password    string
	LocalName   string        // the name sent in EHLO
	Timeout     time.Duration // zero means DefaultTimeout
	TLSConfig   *tls.Config   // nil: the system's roots, ServerName = Host
}

// Parse builds a Sender from smtp://[user[:pass]@]host[:port] (port 587,
// STARTTLS when the server offers it) or smtps://[user[:pass]@]host[:port]
// (port 465, implicit TLS). Credentials are percent-decoded.
func Parse(rawURL string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &Sender{Host: u.Hostname(), LocalName: localName()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.ImplicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp url: scheme %q: want smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("smtp url: no host")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	return s, nil
}

// localName is the machine's name for EHLO, or "localhost".
func localName() string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		return h
	}
	return "localhost"
}

// RejectedError is a permanent refusal: the server answered the sender, a
// recipient or the content with a 5xx reply. Sending the same message again
// will not help. Every other error (network, timeouts, 4xx replies, failed
// authentication or TLS, which are configuration to fix) is worth a retry.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return "rejected: " + e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a RejectedError.
func IsPermanent(err error) bool {
	var r *RejectedError
	return errors.As(err, &r)
}

// Send delivers m. It returns a *RejectedError when the server refuses the
// message for good, and another error when a later attempt may succeed.
// Credentials are only sent over TLS, or in the clear to a server on the
// loopback interface.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	from, to, err := m.addresses()
	if err != nil {
		return &RejectedError{Err: err}
	}
	body, err := m.Bytes()
	if err != nil {
		return &RejectedError{Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	c, closeConn, err := s.session(ctx)
	if err != nil {
		return err
	}
	defer closeConn()
	if err := c.Mail(from.Address); err != nil {
		return rejected("smtp MAIL FROM", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return rejected("smtp RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return rejected("smtp DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return rejected("smtp DATA", err)
	}
	// The message is accepted; a failed QUIT does not undo that.
	c.Quit()
	return nil
}

// Verify connects, greets, starts TLS when the server offers it (or from the
// first byte for smtps) and authenticates, then says goodbye without sending
// anything. It returns the first step that failed, for telling whoever
// configured the server what is wrong.
func (s *Sender) Verify(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	c, closeConn, err := s.session(ctx)
	if err != nil {
		return err
	}
	defer closeConn()
	return c.Quit()
}

// timeout is the bound of one whole session.
func (s *Sender) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// session opens an SMTP session that is ready for MAIL FROM: connected,
// greeted, encrypted when possible and authenticated when credentials are
// set. The returned function closes everything; ctx's deadline bounds the
// whole session.
func (s *Sender) session(ctx context.Context) (*smtp.Client, func(), error) {
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", s.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		stop()
		conn.Close()
		return nil, nil, fmt.Errorf("smtp greeting: %w", err)
	}
	closeAll := func() {
		stop()
		c.Close()
	}
	if err := c.Hello(s.LocalName); err != nil {
		closeAll()
		return nil, nil, fmt.Errorf("smtp EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.ImplicitTLS {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("smtp STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(s.auth(c)); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("smtp AUTH: %w", err)
		}
	}
	return c, closeAll, nil
}

func (s *Sender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.ImplicitTLS {
		return (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.Addr)
	}
	return d.DialContext(ctx, "tcp", s.Addr)
}

func (s *Sender) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		cfg := s.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
		return cfg
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// auth picks PLAIN when the server offers it (or names no mechanism), else LOGIN.
func (s *Sender) auth(c *smtp.Client) smtp.Auth {
	_, offered := c.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(offered))
	if slices.Contains(mechs, "LOGIN") && !slices.Contains(mechs, "PLAIN") {
		return &loginAuth{username: s.Username, password: s.Password, host: s.Host}
	}
	return smtp.PlainAuth("", s.Username, s.Password, s.Host)
}

// rejected wraps a 5xx reply in a RejectedError.
func rejected(op string, err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 && tp.Code < 600 {
		return &RejectedError{Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// loginAuth is the LOGIN mechanism, which some servers offer instead of
// PLAIN. Like smtp.PlainAuth it refuses to send credentials in the clear
// except to the loopback interface.
type loginAuth struct {
	username, password, host string
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch prompt := strings.ToLower(strings.TrimSpace(string(fromServer))); {
	case strings.HasPrefix(prompt, "username"):
		return []byte(a.username), nil
	case strings.HasPrefix(prompt, "password"):
		return []byte(a.password), nil
	default:
		return nil, fmt.Errorf("unexpected LOGIN prompt %q", fromServer)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
