package messaging

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/sms"
)

// The SMS provider is Twilio: accountId is the account SID, token its auth
// token (kept sealed, never shown), senderName the number or alphanumeric
// sender id messages come from, or serviceId a messaging service that picks
// one. Before a configuration is saved Hatch checks the credentials with
// Twilio (reading the account, sending nothing): credentials it refuses are
// a 400.

// smsConfigJSON is the configuration as GET shows it, without the token.
type smsConfigJSON struct {
	Provider   string    `json:"provider"`
	AccountID  string    `json:"accountId"`
	ServiceID  string    `json:"serviceId"`
	SenderName string    `json:"senderName"`
	Channel    string    `json:"channel"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func toSMSConfigJSON(c *notify.SMSConfig) smsConfigJSON {
	return smsConfigJSON{Provider: c.Provider, AccountID: c.AccountID, ServiceID: c.ServiceID, SenderName: c.SenderName,
		Channel: c.Channel, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (h *Handler) getSMSConfig(w http.ResponseWriter, r *http.Request) error {
	c, err := notify.LoadSMSConfig(r.Context(), h.DB)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("SMS configuration not found")
	}
	if err != nil {
		return err
	}
	return api.OK(w, toSMSConfigJSON(c))
}

// twilioSID is the alphabet of Twilio's account and service ids (AC or MG and
// 32 hex digits), loose enough for test accounts.
var twilioSID = regexp.MustCompile(`^[A-Za-z0-9_-]{2,64}$`)

// alphanumericSender is a sender id Twilio accepts in place of a number.
var alphanumericSender = regexp.MustCompile(`^[A-Za-z0-9 ]{1,11}$`)

// checkSenderName validates a sender: an E.164 number or an alphanumeric
// sender id of at most 11 characters with a letter.
func checkSenderName(field, s string) error {
	if s == "" || sms.ValidNumber(s) {
		return nil
	}
	if strings.HasPrefix(s, "+") || !alphanumericSender.MatchString(s) || !strings.ContainsFunc(s, isLetter) {
		return iam.Invalid("%s must be a phone number in E.164 form (such as +14155550100) or an alphanumeric sender id of at most 11 characters", field)
	}
	return nil
}

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// putSMSConfig creates (201) or replaces (200) the provider configuration.
// A request without token keeps the stored one for the same account.
func (h *Handler) putSMSConfig(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SenderName string  `json:"senderName"`
		AccountID  string  `json:"accountId"`
		Token      *string `json:"token"`
		ServiceID  string  `json:"serviceId"`
		Provider   string  `json:"provider"`
		Channel    string  `json:"channel"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	c := &notify.SMSConfig{Provider: strings.ToLower(strings.TrimSpace(req.Provider)), AccountID: strings.TrimSpace(req.AccountID),
		ServiceID: strings.TrimSpace(req.ServiceID), SenderName: strings.TrimSpace(req.SenderName), Channel: strings.ToLower(strings.TrimSpace(req.Channel))}
	if c.Provider == "" {
		c.Provider = "twilio"
	}
	if c.Channel == "" {
		c.Channel = "sms"
	}
	switch {
	case c.Provider != "twilio":
		return iam.Invalid("provider must be twilio")
	case c.Channel != "sms":
		return iam.Invalid("channel must be sms")
	case c.AccountID == "":
		return iam.Invalid("accountId is required")
	case !twilioSID.MatchString(c.AccountID):
		return iam.Invalid("accountId must be a Twilio account SID")
	case c.ServiceID != "" && !twilioSID.MatchString(c.ServiceID):
		return iam.Invalid("serviceId must be a Twilio messaging service SID")
	case c.ServiceID == "" && c.SenderName == "":
		return iam.Invalid("senderName is required without a serviceId")
	}
	if err := checkSenderName("senderName", c.SenderName); err != nil {
		return err
	}
	ctx := r.Context()
	prev, err := notify.LoadSMSConfig(ctx, h.DB)
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	switch {
	case req.Token != nil && strings.TrimSpace(*req.Token) != "":
		c.SealToken(h.Sealer, strings.TrimSpace(*req.Token))
	case prev != nil && prev.AccountID == c.AccountID:
		c.Token = prev.Token
	default:
		return iam.Invalid("token is required")
	}
	now := h.Now()
	c.CreatedAt, c.UpdatedAt = now, now
	if prev != nil {
		c.CreatedAt = prev.CreatedAt
	}
	sender, err := c.Sender(h.Sealer, h.TwilioURL, h.Client)
	if err != nil {
		return err
	}
	if err := sender.Verify(ctx); sms.IsPermanent(err) {
		return iam.Invalid("The SMS provider did not accept accountId and token: %v", err)
	} else if err != nil {
		return iam.Invalid("Could not reach the SMS provider to check accountId and token: %v", err)
	}
	if err := h.DB.SaveSetting(ctx, "", notify.SMSConfigName, c, now); err != nil {
		return err
	}
	status := http.StatusOK
	if prev == nil {
		status = http.StatusCreated
	}
	return api.JSON(w, status, toSMSConfigJSON(c))
}

func (h *Handler) deleteSMSConfig(w http.ResponseWriter, r *http.Request) error {
	if err := h.DB.DeleteSetting(r.Context(), "", notify.SMSConfigName); err != nil {
		return err
	}
	return api.NoContent(w)
}
