package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/mail"
	"github.com/hatchid/hatch/internal/mail/mailtest"
)

func testMessage(id string) *mail.Message {
	return &mail.Message{
		ID:      id,
		From:    "Hatch <hatch@example.test>",
		To:      "ada@example.com",
		Subject: "Réinitialiser ✓ your password",
		Text:    "Hello Ada,\nReset: http://x.test/reset?userId=1&token=abc\n",
		HTML:    `<p>Hello Ada,</p><p><a href="http://x.test/reset?userId=1&amp;token=abc">Reset</a></p>`,
		Date:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func sender(t *testing.T, ms *mailtest.Server) *mail.Sender {
	t.Helper()
	s, err := mail.Parse(ms.URL())
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 5 * time.Second
	if roots := ms.RootCAs(); roots != nil {
		s.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
	}
	return s
}

func TestSendVariants(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opt     mailtest.Options
		wantTLS bool
	}{
		{"plain", mailtest.Options{}, false},
		{"auth on loopback", mailtest.Options{Username: "u", Password: "p w"}, false},
		{"starttls plain auth", mailtest.Options{Username: "u", Password: "p", STARTTLS: true}, true},
		{"starttls login auth", mailtest.Options{Username: "u", Password: "p", STARTTLS: true, Mechanisms: []string{"LOGIN"}}, true},
		{"implicit tls", mailtest.Options{Username: "u", Password: "p", ImplicitTLS: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := mailtest.Start(t, tc.opt)
			m := testMessage("0b8f0c52-3a4e-4c55-9e9e-6d2b1e3f7a10")
			if err := sender(t, ms).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := ms.WaitFor(t, "ada@example.com", 5*time.Second)
			if got.From != "hatch@example.test" || got.Subject != m.Subject || got.TLS != tc.wantTLS {
				t.Fatalf("got from %q subject %q tls %v", got.From, got.Subject, got.TLS)
			}
			if got.Text != strings.ReplaceAll(m.Text, "\r\n", "\n") || got.HTML != m.HTML {
				t.Fatalf("bodies:\n%q\n%q", got.Text, got.HTML)
			}
			if want := "<0b8f0c52-3a4e-4c55-9e9e-6d2b1e3f7a10@example.test>"; got.MessageID != want {
				t.Fatalf("Message-ID %q, want %q", got.MessageID, want)
			}
		})
	}
}

func TestMessageBytes(t *testing.T) {
	m := testMessage("id-1")
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("message has a bare LF")
	}
	for _, want := range []string{
		"Subject: =?utf-8?q?R=C3=A9initialiser_=E2=9C=93_your_password?=\r\n",
		"From: \"Hatch\" <hatch@example.test>\r\n",
		"Date: Fri, 02 Jan 2026 03:04:05 +0000\r\n",
		"MIME-Version: 1.0\r\n",
		"Content-Type: multipart/alternative; boundary=",
		"Content-Type: text/plain; charset=utf-8\r\n",
		"Content-Type: text/html; charset=utf-8\r\n",
		"Content-Transfer-Encoding: quoted-printable\r\n",
	} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("message lacks %q:\n%s", want, raw)
		}
	}
	again, _ := m.Bytes()
	if !bytes.Equal(raw, again) {
		t.Error("rendering the same message twice differs")
	}

	// A header value cannot smuggle in another header.
	m.Subject = "hi\r\nBcc: victim@example.com"
	raw, _ = m.Bytes()
	if bytes.Contains(raw, []byte("\r\nBcc:")) {
		t.Fatalf("subject injected a header:\n%s", raw)
	}
	m.To = "a@example.com\r\nBcc: victim@example.com"
	if _, err := m.Bytes(); err == nil {
		t.Fatal("a recipient with CRLF was accepted")
	}
}

func TestFailuresAreClassified(t *testing.T) {
	ms := mailtest.Start(t, mailtest.Options{})
	s := sender(t, ms)
	ms.FailNext(1)
	err := s.Send(context.Background(), testMessage("a"))
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("4xx: err %v, want a temporary error", err)
	}
	ms.RejectNext(1)
	err = s.Send(context.Background(), testMessage("b"))
	if !mail.IsPermanent(err) {
		t.Fatalf("5xx: err %v, want a permanent error", err)
	}
	if err := s.Send(context.Background(), testMessage("c")); err != nil {
		t.Fatal(err)
	}
	if got := len(ms.Messages()); got != 1 || ms.Attempts() != 3 {
		t.Fatalf("%d messages after %d attempts, want 1 after 3", got, ms.Attempts())
	}

	bad := mailtest.Start(t, mailtest.Options{Username: "u", Password: "right"})
	s, _ = mail.Parse(strings.Replace(bad.URL(), "right", "wrong", 1))
	err = s.Send(context.Background(), testMessage("d"))
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("bad credentials: err %v, want a temporary error (configuration to fix)", err)
	}
}

func TestSendTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and never greet
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s, _ := mail.Parse("smtp://" + ln.Addr().String())
	s.Timeout = 200 * time.Millisecond
	start := time.Now()
	if err := s.Send(context.Background(), testMessage("e")); err == nil || mail.IsPermanent(err) {
		t.Fatalf("err %v, want a temporary error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("send took %s despite a 200ms timeout", d)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		url, addr, user, pass string
		implicit              bool
		err                   bool
	}{
		{url: "smtp://user:pass@mail.example.com:2525", addr: "mail.example.com:2525", user: "user", pass: "pass"},
		{url: "smtp://mail.example.com", addr: "mail.example.com:587"},
		{url: "smtps://u%40x.com:p%3Aw@mail.example.com", addr: "mail.example.com:465", user: "u@x.com", pass: "p:w", implicit: true},
		{url: "http://mail.example.com", err: true},
		{url: "smtp://", err: true},
		{url: "smtp://[::1", err: true},
	} {
		s, err := mail.Parse(tc.url)
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", tc.url)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if s.Addr != tc.addr || s.Username != tc.user || s.Password != tc.pass || s.ImplicitTLS != tc.implicit {
			t.Errorf("%s: got %+v", tc.url, s)
		}
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.Start(t, mailtest.Options{Username: "ada", Password: "s3cret"})
	good, err := mail.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Verify(ctx); err != nil {
		t.Fatalf("Verify with the right credentials: %v", err)
	}
	bad, _ := mail.Parse(strings.Replace(srv.URL(), "s3cret", "wrong", 1))
	if err := bad.Verify(ctx); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("Verify with a wrong password: %v, want an AUTH error", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	down, _ := mail.Parse("smtp://" + addr)
	if err := down.Verify(ctx); err == nil || !strings.Contains(err.Error(), "connect to") {
		t.Fatalf("Verify against a closed port: %v", err)
	}
	if n := srv.Attempts(); n != 0 {
		t.Fatalf("Verify sent %d messages", n)
	}
}
