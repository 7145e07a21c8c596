package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one email.
type Message struct {
	// ID identifies the message for as long as it may be resent (the outbox
	// row id). The Message-ID header is derived from it, so a message sent
	// again after a crash carries the same Message-ID and receivers can drop
	// the copy.
	ID      string
	From    string // "addr" or "Name <addr>"
	To      string // one recipient, "addr" or "Name <addr>"
	Subject string
	Text    string // plain-text body
	HTML    string // HTML body; empty sends text only
	Date    time.Time
}

// addresses parses From and To. It returns an error naming the bad header.
func (m *Message) addresses() (from, to *mail.Address, err error) {
	if from, err = mail.ParseAddress(m.From); err != nil {
		return nil, nil, fmt.Errorf("from address %q: %w", m.From, err)
	}
	if to, err = mail.ParseAddress(m.To); err != nil {
		return nil, nil, fmt.Errorf("to address %q: %w", m.To, err)
	}
	return from, to, nil
}

// MessageID returns the Message-ID header value: the message id at the
// sender's domain, the same every time the message is rendered.
func (m *Message) MessageID() string {
	domain := "hatch.invalid"
	if from, err := mail.ParseAddress(m.From); err == nil {
		if _, d, ok := strings.Cut(from.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	return "<" + m.ID + "@" + domain + ">"
}

// Bytes renders the message as RFC 5322 text with CRLF line endings: headers
// (non-ASCII subject and names encoded per RFC 2047), then a
// multipart/alternative body with a quoted-printable text part and, when HTML
// is set, a quoted-printable HTML part. Rendering the same message twice gives
// the same bytes.
func (m *Message) Bytes() ([]byte, error) {
	from, to, err := m.addresses()
	if err != nil {
		return nil, err
	}
	if m.ID == "" {
		return nil, fmt.Errorf("message has no id")
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", m.Date.Format(time.RFC1123Z))
	header("Message-ID", m.MessageID())
	header("MIME-Version", "1.0")
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary(m.ID)); err != nil {
		return nil, err
	}
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	for _, part := range []struct{ mediaType, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.mediaType + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// boundary derives the multipart boundary from the message id. It contains
// "=_", which quoted-printable content can never contain, so it cannot clash
// with a body.
func boundary(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "=_hatch_" + hex.EncodeToString(sum[:12])
}

// writeQP writes body quoted-printable encoded; line breaks become CRLF.
func writeQP(w interface{ Write([]byte) (int, error) }, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(body)); err != nil {
		return err
	}
	return qp.Close()
}
