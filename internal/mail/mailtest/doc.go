// Package mailtest runs a real SMTP server on the loopback interface for
// tests. It captures every message it accepts (envelope, decoded subject and
// bodies), lets a test wait for the next message to a recipient, and can be
// told to answer deliveries with a temporary (4xx) or permanent (5xx) failure.
// Optionally it requires authentication and speaks STARTTLS or implicit TLS
// with a certificate it makes itself.
package mailtest
