package messaging

import (
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Handler serves the messaging configuration routes.
type Handler struct {
	DB       *store.DB
	Sealer   *secure.Sealer // seals the SMTP password and the SMS token
	BaseURL  string         // public URL, under which default template links point
	MailFrom string         // HATCH_MAIL_FROM, the sender when nothing else is configured
	// TwilioURL is Twilio's API (HATCH_TWILIO_API_URL), against which SMS
	// credentials are checked when they are saved.
	TwilioURL string
	Client    *http.Client // for that check; nil: the sms package's default
	// MailTimeout bounds the connection test of a new mail server; zero: mail.DefaultTimeout.
	MailTimeout time.Duration
	Now         func() time.Time
}
