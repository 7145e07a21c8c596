package messaging_test

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/mail/mailtest"
)

const (
	mailV1Path       = "/identity/resources/mail/v1/configurations"
	mailV2Path       = "/identity/resources/mail/v2/configurations"
	templatesPath    = "/identity/resources/mail/v1/configs/templates"
	smsConfigPath    = "/identity/resources/configurations/v1/sms"
	smsTemplatesPath = "/identity/resources/configurations/v1/sms/templates"
	resetPath        = "/identity/resources/users/v1/passwords/reset"
	resetVerifyPath  = "/identity/resources/users/v1/passwords/reset/verify"
	mailWait         = 5 * time.Second
)

// smtpPayload is a mail/v2 payload for the server srv.
func smtpPayload(t *testing.T, srv *mailtest.Server, password string) map[string]any {
	t.Helper()
	host, port, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return map[string]any{"provider": "smtp", "host": host, "port": p, "username": "relay", "password": password,
		"senderEmail": "team@app.test", "fromName": "App Team"}
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// linkIn returns the first link in text whose address starts with prefix,
// with its userId and token.
func linkIn(t *testing.T, text, prefix string) (raw, userID, token string) {
	t.Helper()
	for _, l := range linkPattern.FindAllString(text, -1) {
		u, err := url.Parse(l)
		if err != nil || len(l) < len(prefix) || l[:len(prefix)] != prefix {
			continue
		}
		return l, u.Query().Get("userId"), u.Query().Get("token")
	}
	t.Fatalf("no link to %s in %q", prefix, text)
	return "", "", ""
}
