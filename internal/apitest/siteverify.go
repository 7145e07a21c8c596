package apitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/hatchid/hatch/internal/config"
)

// Siteverify is a local server speaking Google's reCAPTCHA siteverify API:
// it accepts the token "human" (score 0.9) and "robotic" (score 0.2) for the
// secret "the-secret", and refuses everything else. Option points a
// server's HATCH_RECAPTCHA_VERIFY_URL at it.
type Siteverify struct {
	*httptest.Server
	mu       sync.Mutex
	remoteIP []string
}

// StartSiteverify runs a siteverify stand-in until the test ends.
func StartSiteverify(t testing.TB) *Siteverify {
	sv := &Siteverify{}
	sv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "want a form POST", http.StatusBadRequest)
			return
		}
		r.ParseForm()
		sv.mu.Lock()
		sv.remoteIP = append(sv.remoteIP, r.PostForm.Get("remoteip"))
		sv.mu.Unlock()
		resp := map[string]any{"success": false, "error-codes": []string{"invalid-input-response"}}
		switch {
		case r.PostForm.Get("secret") != "the-secret":
			resp["error-codes"] = []string{"invalid-input-secret"}
		case r.PostForm.Get("response") == "human":
			resp = map[string]any{"success": true, "score": 0.9, "action": "login", "hostname": "localhost", "challenge_ts": "2024-01-01T00:00:00Z"}
		case r.PostForm.Get("response") == "robotic":
			resp = map[string]any{"success": true, "score": 0.2, "action": "login", "hostname": "localhost"}
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(sv.Close)
	return sv
}

// Option sets a server's siteverify endpoint to sv.
func (sv *Siteverify) Option() Option {
	return func(c *config.Config) { c.RecaptchaVerifyURL = sv.URL }
}

// RemoteIPs returns the remoteip of every verification so far and forgets them.
func (sv *Siteverify) RemoteIPs() []string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	out := slices.Clone(sv.remoteIP)
	sv.remoteIP = nil
	return out
}
