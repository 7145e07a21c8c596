package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DefaultBaseURL is Twilio's API host.
const DefaultBaseURL = "https://api.twilio.com"

// DefaultTimeout bounds one request to the provider.
const DefaultTimeout = 30 * time.Second

// Sender sends text messages through one Twilio account.
type Sender struct {
	BaseURL    string // the API's scheme and host; DefaultBaseURL when empty
	AccountSID string
	AuthToken  string
	// From is the sender: a phone number in E.164 form or an alphanumeric
	// sender id. MessagingServiceSID, when set, is sent instead and lets
	// Twilio pick the sender from the service's pool.
	From                string
	MessagingServiceSID string
	Client              *http.Client // nil: a client with DefaultTimeout
}

// RejectedError is the provider's refusal of the message itself (a 4xx
// answer other than 429): sending it again will not help.
type RejectedError struct {
	Status  int
	Code    int // Twilio's error code, when it gave one
	Message string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("rejected by the SMS provider (HTTP %d, code %d): %s", e.Status, e.Code, e.Message)
}

// NotSentError is a failure that happened before the provider could have
// taken the message (it could not be reached, or it answered 429 Too Many
// Requests): trying again cannot deliver it twice.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return "not sent: " + e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a RejectedError.
func IsPermanent(err error) bool {
	var r *RejectedError
	return errors.As(err, &r)
}

// NotSent reports whether err proves the message did not reach the provider.
// Any other error from Send leaves the outcome unknown: the provider may have
// taken the message before the answer was lost.
func NotSent(err error) bool {
	var n *NotSentError
	return errors.As(err, &n)
}

// Send sends body to the E.164 number to and returns the provider's message
// id (Twilio's SID). It returns a *RejectedError when the provider refuses
// the message, a *NotSentError when the provider was not reached or asked
// to slow down, and another error when the outcome is unknown.
func (s *Sender) Send(ctx context.Context, to, body string) (string, error) {
	if !ValidNumber(to) {
		return "", &RejectedError{Status: http.StatusBadRequest, Message: fmt.Sprintf("%q is not an E.164 phone number", to)}
	}
	form := url.Values{"To": {to}, "Body": {body}}
	if s.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", s.MessagingServiceSID)
	} else {
		form.Set("From", s.From)
	}
	endpoint := s.base() + "/2010-04-01/Accounts/" + url.PathEscape(s.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &NotSentError{Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(s.AccountSID, s.AuthToken)
	resp, err := s.client().Do(req)
	if err != nil {
		if unreachable(err) {
			return "", &NotSentError{Err: err}
		}
		return "", fmt.Errorf("SMS provider: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil && resp.StatusCode < 300 {
		return "", fmt.Errorf("SMS provider: read answer: %w", err)
	}
	var answer struct {
		SID     string `json:"sid"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	json.Unmarshal(raw, &answer)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if answer.SID == "" {
			return "", fmt.Errorf("SMS provider: HTTP %d without a message sid", resp.StatusCode)
		}
		return answer.SID, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return "", &NotSentError{Err: fmt.Errorf("SMS provider: HTTP 429: %s", answer.Message)}
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		msg := answer.Message
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return "", &RejectedError{Status: resp.StatusCode, Code: answer.Code, Message: msg}
	}
	return "", fmt.Errorf("SMS provider: HTTP %d: %s", resp.StatusCode, answer.Message)
}

// Verify checks the account SID and auth token by reading the account
// (GET /2010-04-01/Accounts/{AccountSid}.json), sending nothing. It returns a
// *RejectedError when the provider refuses them and another error when it
// cannot be reached.
func (s *Sender) Verify(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base()+"/2010-04-01/Accounts/"+url.PathEscape(s.AccountSID)+".json", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(s.AccountSID, s.AuthToken)
	resp, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("SMS provider: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	var answer struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer)
	if answer.Message == "" {
		answer.Message = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		return &RejectedError{Status: resp.StatusCode, Code: answer.Code, Message: answer.Message}
	}
	return fmt.Errorf("SMS provider: HTTP %d: %s", resp.StatusCode, answer.Message)
}

func (s *Sender) base() string {
	if base := strings.TrimRight(s.BaseURL, "/"); base != "" {
		return base
	}
	return DefaultBaseURL
}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: DefaultTimeout}
}

// unreachable reports whether err happened before a request was written:
// the name did not resolve or the connection was refused.
func unreachable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// e164 is a "+", a country code that does not start with 0, and at most 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidNumber reports whether s is a phone number in E.164 form, such as +14155550100.
func ValidNumber(s string) bool { return e164.MatchString(s) }
