// Package mail delivers email over SMTP: a Sender built from a URL
// (smtp://user:pass@host:587 with STARTTLS when the server offers it,
// smtps://host:465 for implicit TLS) and the MIME rendering of a Message
// (multipart/alternative text and HTML, RFC 2047 subject, CRLF line endings,
// a Message-ID derived from the message's own id). It knows nothing of the
// outbox: the notify package decides what to send and when to retry.
// mailtest holds a real SMTP server for tests.
package mail
