// Package smstest runs a local HTTP server that speaks the part of Twilio's
// Programmable Messaging API Hatch uses, for tests: it checks the account's
// basic authentication, records each message and answers as Twilio does.
package smstest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/sms"
)

// Message is a message the server accepted.
type Message struct {
	SID                 string
	AccountSID          string
	To                  string
	From                string
	MessagingServiceSID string
	Body                string
	taken               bool
}

// Server is a running fake of Twilio's messaging API. It stops when the test ends.
type Server struct {
	URL        string // the base URL to configure, e.g. http://127.0.0.1:port
	AccountSID string // the account it accepts
	AuthToken  string

	mu       sync.Mutex
	changed  chan struct{}
	messages []*Message
	requests int
	failNext int
	failCode int
}

// Start starts a server accepting the account sid with token.
func Start(t testing.TB, sid, token string) *Server {
	t.Helper()
	s := &Server{AccountSID: sid, AuthToken: token, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", s.create)
	mux.HandleFunc("GET /2010-04-01/Accounts/{account}", s.account)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// FailNext makes the next n requests answer status (after authentication),
// without taking the message.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	s.failNext, s.failCode = n, status
	s.mu.Unlock()
}

// Requests returns how many message requests arrived, accepted or not.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Message, len(s.messages))
	for i, m := range s.messages {
		c := *m
		out[i] = &c
	}
	return out
}

// WaitFor returns the oldest message to to that no earlier WaitFor returned,
// waiting up to timeout; it fails the test when none arrives.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) *Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			if !m.taken && m.To == to {
				m.taken = true
				c := *m
				s.mu.Unlock()
				return &c
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("smstest: no message to %s within %s", to, timeout)
			return nil
		}
	}
}

// twilioError is Twilio's error body.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, twilioError{Code: code, Message: msg, MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), Status: status})
}

// authorized reports whether r carries the account's credentials for the account sid.
func (s *Server) authorized(r *http.Request, sid string) bool {
	user, pass, ok := r.BasicAuth()
	return ok && user == s.AccountSID && pass == s.AuthToken && sid == s.AccountSID
}

// account answers GET /Accounts/{sid}.json, which checks credentials.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	sid, ok := strings.CutSuffix(r.PathValue("account"), ".json")
	if !ok || !s.authorized(r, sid) {
		fail(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": sid, "status": "active", "type": "Full"})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer func() {
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}()
	s.requests++
	if !s.authorized(r, r.PathValue("sid")) {
		fail(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if s.failNext > 0 {
		s.failNext--
		fail(w, s.failCode, 20429, "Failing on purpose (smstest)")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		fail(w, http.StatusBadRequest, 21601, "Request must be form-encoded")
		return
	}
	m := &Message{AccountSID: s.AccountSID, To: r.PostForm.Get("To"), From: r.PostForm.Get("From"),
		MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"), Body: r.PostForm.Get("Body")}
	switch {
	case !sms.ValidNumber(m.To):
		fail(w, http.StatusBadRequest, 21211, "The 'To' number "+m.To+" is not a valid phone number.")
		return
	case m.From == "" && m.MessagingServiceSID == "":
		fail(w, http.StatusBadRequest, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
		return
	case m.Body == "":
		fail(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	id := make([]byte, 16)
	rand.Read(id)
	m.SID = "SM" + hex.EncodeToString(id)
	s.messages = append(s.messages, m)
	now := time.Now().UTC().Format(time.RFC1123Z)
	writeJSON(w, http.StatusCreated, map[string]any{
		"sid": m.SID, "account_sid": m.AccountSID, "to": m.To, "from": m.From, "messaging_service_sid": m.MessagingServiceSID,
		"body": m.Body, "status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
		"date_created": now, "date_updated": now, "uri": "/2010-04-01/Accounts/" + m.AccountSID + "/Messages/" + m.SID + ".json",
	})
}
